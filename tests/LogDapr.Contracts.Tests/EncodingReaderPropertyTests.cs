using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CsCheck;
using LogDapr.Contracts.Events;
using LogDapr.Contracts.Events.Encoded;
using LogDapr.Contracts.Tests.Support;
using static LogDapr.Contracts.Tests.Support.ReaderComparison;

namespace LogDapr.Contracts.Tests;

/// <summary>
/// The encoding read (<see cref="LogEventReader.Encode"/>) against the full read followed by <see cref="LogEventWriter"/>
/// on the same payloads: the same payload error, the same rejected events with the same errors word for word, and for
/// every accepted event the same bytes, tenant and id. The readers are shared by every sample (and CsCheck's threads),
/// so what a pooled parser keeps from earlier payloads is exercised too.
/// </summary>
public class EncodingReaderPropertyTests
{
    private static readonly DateTimeOffset ReceivedAt = Wire.ReceivedAt;

    private static readonly LogEventReader[] Readers = [.. AllLimits.Select(l => new LogEventReader(l))];

    private static readonly Func<int, string> GeneratedIds = index => "generated-" + index.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void Random_event_like_objects_are_encoded_as_the_full_reader_and_writer_give_them() =>
        Gen.Select(Generators.EventLike(expressible: false).Array[1, 8], Gen.Int[0, 2], AnyLimits).Sample(t =>
        {
            var (payload, format) = Shape(t.Item1, t.Item2);
            AssertSame(payload, format, t.Item3);
        }, iter: 10_000);

    [Fact]
    public void Events_read_through_aliases_are_encoded_the_same() =>
        Gen.Select(Generators.Valid, Gen.Int.Array[11], AnyLimits).Sample(t =>
            AssertSame(WithAliases(t.Item1, t.Item2), PayloadFormat.Json, t.Item3), iter: 5_000);

    [Fact]
    public void Damaged_payloads_and_random_bytes_get_the_same_verdicts() =>
        Gen.Select(Gen.OneOf(Generators.MutatedPayloads, Gen.Byte.Array[0, 300]), Gen.Bool, AnyLimits).Sample(t =>
            AssertSame(t.Item1, t.Item2 ? PayloadFormat.Ndjson : PayloadFormat.Json, t.Item3), iter: 10_000);

    [Fact]
    public void Long_and_escaped_values_are_encoded_the_same() =>
        Gen.Select(LongValueFields, LongText, Gen.Bool, AnyLimits).Sample(t =>
            AssertSame(LongValue(t.Item1, t.Item2, t.Item3), PayloadFormat.Json, t.Item4), iter: 3_000);

    [Fact]
    public void Events_without_an_id_get_a_version_7_id_of_the_receive_time_and_otherwise_the_same_bytes()
    {
        var payload = Encoding.UTF8.GetBytes("[" + Wire.Event("service", "\"api\"") + "," + Wire.Event("id", "\"own-1\"") + "]");
        var full = Readers[0].Read(payload, PayloadFormat.Json, ReceivedAt);
        using var encoded = Readers[0].Encode(payload, PayloadFormat.Json, ReceivedAt);

        Assert.Equal(2, encoded.Accepted.Count);
        Assert.True(encoded.Accepted.IdGenerated(0));
        Assert.False(encoded.Accepted.IdGenerated(1));
        Assert.Equal("own-1", Encoding.UTF8.GetString(encoded.Accepted.Id(1)));
        using var first = JsonDocument.Parse(encoded.Accepted.Json(0).ToArray());
        var id = Guid.Parse(first.RootElement.GetProperty("id").GetString()!);
        Assert.Equal(7, id.Version);
        Assert.Equal(ReceivedAt.ToUnixTimeMilliseconds(), UnixMilliseconds(id));
        Assert.Equal(Written(full.Accepted[0], id.ToString()), Encoding.UTF8.GetString(encoded.Accepted.Json(0)));
        Assert.Equal(Written(full.Accepted[1], full.Accepted[1].Id), Encoding.UTF8.GetString(encoded.Accepted.Json(1)));
    }

    [Fact]
    public void Runs_of_encoded_events_are_the_runs_and_bytes_of_the_same_events_as_objects() =>
        Gen.Select(Generators.Valid.Array[1, 40], Gen.Int[1, 12], Gen.Int[50, 3_000]).Sample(t =>
        {
            var (valid, maxEvents, maxBytes) = t;
            var payload = Encoding.UTF8.GetBytes("[" + string.Join(",", valid.Select(v => v.Json)) + "]");
            var full = Readers[3].Read(payload, PayloadFormat.Json, ReceivedAt, GeneratedIds);
            using var encoded = Readers[3].Encode(payload, PayloadFormat.Json, ReceivedAt, GeneratedIds);

            var expected = new List<(string, int, int)>();
            LogEventRuns.Split(full.Accepted, maxEvents, maxBytes, expected, static (runs, data, first, count) => runs.Add((Encoding.UTF8.GetString(data), first, count)));
            var actual = new List<(string, int, int)>();
            encoded.Accepted.Split(maxEvents, maxBytes, actual, static (runs, data, first, count) => runs.Add((Encoding.UTF8.GetString(data), first, count)));

            Assert.Equal(expected, actual);
        }, iter: 1_000);

    [Fact]
    public void A_subset_keeps_the_chosen_events_in_the_order_given()
    {
        var payload = Encoding.UTF8.GetBytes(string.Join("\n", Enumerable.Range(0, 5).Select(i => Wire.Event(("tenant_id", $"\"t{i}\""), ("id", $"\"e{i}\"")))));
        using var encoded = Readers[0].Encode(payload, PayloadFormat.Ndjson, ReceivedAt);

        var subset = encoded.Accepted.Subset([4, 1]);

        Assert.Equal(2, subset.Count);
        Assert.Equal(["t4", "t1"], new[] { subset.TenantId(0), subset.TenantId(1) });
        Assert.Equal("e4", Encoding.UTF8.GetString(subset.Id(0)));
        Assert.Equal(encoded.Accepted.Json(1).ToArray(), subset.Json(1).ToArray());
    }

    private static void AssertSame(byte[] payload, PayloadFormat format, int limits)
    {
        var full = Readers[limits].Read(payload, format, ReceivedAt, GeneratedIds);
        using var encoded = Readers[limits].Encode(payload, format, ReceivedAt, GeneratedIds);

        Assert.Equal(full.Error, encoded.Error);
        Assert.Equal(Describe(full.Rejected), Describe(encoded.Rejected));
        Assert.Equal(full.Accepted.Count, encoded.Accepted.Count);
        for (var i = 0; i < full.Accepted.Count; i++)
        {
            var expected = full.Accepted[i];
            Assert.Equal(Written(expected, expected.Id), Encoding.UTF8.GetString(encoded.Accepted.Json(i)));
            Assert.Equal(expected.TenantId, encoded.Accepted.TenantId(i));
            Assert.Equal(expected.IdGenerated, encoded.Accepted.IdGenerated(i));
            Assert.Equal(expected.IdGenerated ? "" : expected.Id, Encoding.UTF8.GetString(encoded.Accepted.Id(i)));
        }
    }

    private static string Written(LogEvent logEvent, string id)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true }))
        {
            LogEventWriter.WriteEvent(writer, new LogEvent
            {
                Id = id,
                TenantId = logEvent.TenantId,
                Timestamp = logEvent.Timestamp,
                Severity = logEvent.Severity,
                Service = logEvent.Service,
                Message = logEvent.Message,
                Attributes = logEvent.Attributes,
                TraceId = logEvent.TraceId,
                SpanId = logEvent.SpanId,
                Host = logEvent.Host,
            });
        }
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static long UnixMilliseconds(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 16;
    }
}
