using System.Text.Encodings.Web;
using System.Text.Json;
using LogDapr.Contracts.Events;
using LogDapr.Contracts.Tests.Support;

namespace LogDapr.Contracts.Tests;

public class WriterTests
{
    private static LogEvent Sample(long ticks = 0, IReadOnlyList<KeyValuePair<string, string>>? attributes = null) => new()
    {
        Id = "evt-1",
        TenantId = "acme",
        Timestamp = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero).AddTicks(ticks),
        Severity = Severity.Warn,
        Service = "checkout",
        Message = "disk \"almost\" full\n",
        Attributes = attributes ?? [],
    };

    [Fact]
    public void An_event_is_written_in_the_wire_form_with_empty_optionals_omitted()
    {
        Assert.Equal(
            """{"id":"evt-1","tenant_id":"acme","timestamp":"2026-11-22T10:00:00Z","severity":"warn","service":"checkout","message":"disk \u0022almost\u0022 full\n"}""",
            Wire.WriteEvent(Sample()));
    }

    [Fact]
    public void Optional_fields_are_written_when_present()
    {
        var e = new LogEvent
        {
            Id = "i",
            TenantId = "t",
            Timestamp = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero),
            Severity = Severity.Fatal,
            Service = "s",
            Message = "",
            Attributes = [new("env", "prod"), new("n", "3")],
            TraceId = "4bf92f3577b34da6a3ce929d0e0e4736",
            SpanId = "00f067aa0ba902b7",
            Host = "node-1",
        };

        Assert.Equal(
            """{"id":"i","tenant_id":"t","timestamp":"2026-11-22T10:00:00Z","severity":"fatal","service":"s","message":"","attributes":{"env":"prod","n":"3"},"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","host":"node-1"}""",
            Wire.WriteEvent(e));
    }

    [Theory]
    [InlineData(0, "2026-11-22T10:00:00Z")]
    [InlineData(5_000_000, "2026-11-22T10:00:00.5Z")]
    [InlineData(1_230_000, "2026-11-22T10:00:00.123Z")]
    [InlineData(1_234_567, "2026-11-22T10:00:00.1234567Z")]
    [InlineData(1, "2026-11-22T10:00:00.0000001Z")]
    [InlineData(10_000_000 - 1, "2026-11-22T10:00:00.9999999Z")]
    public void Timestamps_are_utc_with_trailing_zero_digits_dropped(long ticks, string expected)
    {
        using var doc = JsonDocument.Parse(Wire.WriteEvent(Sample(ticks)));

        Assert.Equal(expected, doc.RootElement.GetProperty("timestamp").GetString());
    }

    [Fact]
    public void Timestamps_with_an_offset_are_written_in_utc()
    {
        var e = Sample();
        var shifted = new LogEvent
        {
            Id = e.Id, TenantId = e.TenantId, Severity = e.Severity, Service = e.Service, Message = e.Message,
            Timestamp = new DateTimeOffset(2026, 11, 22, 12, 30, 0, TimeSpan.FromHours(2)),
        };

        using var doc = JsonDocument.Parse(Wire.WriteEvent(shifted));

        Assert.Equal("2026-11-22T10:30:00Z", doc.RootElement.GetProperty("timestamp").GetString());
    }

    [Fact]
    public void Extreme_timestamps_round_trip()
    {
        foreach (var instant in new[] { DateTimeOffset.MinValue, new DateTimeOffset(1, 1, 1, 0, 0, 0, 1, TimeSpan.Zero).AddTicks(1) })
        {
            var e = Sample();
            var extreme = new LogEvent { Id = e.Id, TenantId = e.TenantId, Severity = e.Severity, Service = e.Service, Message = e.Message, Timestamp = instant };
            // Only a reader without a past window (the aggregator's) takes such timestamps back.
            Wire.AssertSameEvent(extreme, Wire.Accepted(Wire.WriteEvent(extreme), LogEventLimits.Widest));
        }
    }

    [Fact]
    public void WriteBatch_writes_the_requested_slice_in_an_events_wrapper()
    {
        var events = Enumerable.Range(0, 5).Select(i => Sample(i)).ToList();
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            LogEventWriter.WriteBatch(writer, events, 1, 3);
        }

        using var doc = JsonDocument.Parse(buffer.ToArray());
        var written = doc.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("timestamp").GetString()).ToList();

        Assert.Single(doc.RootElement.EnumerateObject());
        Assert.Equal(["2026-11-22T10:00:00.0000001Z", "2026-11-22T10:00:00.0000002Z", "2026-11-22T10:00:00.0000003Z"], written);
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(0, -1)]
    [InlineData(4, 2)]
    [InlineData(6, 0)]
    public void WriteBatch_refuses_a_slice_outside_the_list(int start, int count)
    {
        var events = Enumerable.Range(0, 5).Select(i => Sample(i)).ToList();
        using var writer = new Utf8JsonWriter(Stream.Null);

        Assert.Throws<ArgumentOutOfRangeException>(() => LogEventWriter.WriteBatch(writer, events, start, count));
    }

    [Fact]
    public void Reading_the_writer_output_gives_back_equal_events()
    {
        string payload = "[" + string.Join(",",
            Wire.Event(("id", "\"a\""), ("timestamp", "\"2026-11-22T11:59:59.987654321+02:00\""), ("severity", "\"Emergency\""),
                ("service", "\"  padded  \""), ("message", "\"ünïcødé \\ud83d\\ude00 <tag> & \\\"q\\\"\\n\""),
                ("attributes", "{\"n\":1.50,\"b\":false,\"s\":\"x\",\"\\u00e9\":\"\\u2028\"}"),
                ("trace_id", "\"4BF92F3577B34DA6A3CE929D0E0E4736\""), ("span_id", "\"00F067AA0BA902B7\""), ("host", "\"h\"")),
            Wire.Event(("severity", "3"), ("message", "\"\"")),
            Wire.Event(("severity", "\"syslog:4\""), ("timestamp", "\"2026-11-15T10:00:00Z\""))) + "]";
        var original = Wire.Read(payload);
        Assert.Empty(original.Rejected);
        Assert.Equal(3, original.Accepted.Count);

        foreach (var encoder in new[] { JavaScriptEncoder.Default, JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = encoder }))
            {
                LogEventWriter.WriteBatch(writer, original.Accepted, 0, original.Accepted.Count);
            }
            var reread = Wire.Reader.Read(buffer.ToArray(), PayloadFormat.Json, Wire.ReceivedAt);

            Assert.Null(reread.Error);
            Assert.Empty(reread.Rejected);
            Assert.Equal(original.Accepted.Count, reread.Accepted.Count);
            for (int i = 0; i < original.Accepted.Count; i++)
            {
                Wire.AssertSameEvent(original.Accepted[i], reread.Accepted[i]);
            }
        }
    }

    [Fact]
    public void The_written_form_is_stable_when_written_again()
    {
        var first = Wire.WriteBatch(Wire.Read(Wire.Event(("severity", "\"CRIT\""), ("timestamp", "\"2026-11-22T09:00:00.120+00:00\""))).Accepted);
        var second = Wire.WriteBatch(Wire.Read(first).Accepted);

        Assert.Equal(first, second);
        Assert.Contains("\"severity\":\"fatal\"", first, StringComparison.Ordinal);
        Assert.Contains("\"timestamp\":\"2026-11-22T09:00:00.12Z\"", first, StringComparison.Ordinal);
    }
}
