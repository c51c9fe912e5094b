using System.Text;
using System.Text.Json;
using CsCheck;
using LogDapr.Contracts.Events;
using LogDapr.Contracts.Tests.Support;

namespace LogDapr.Contracts.Tests;

public class PropertyTests
{
    private static readonly LogEventLimits Limits = LogEventLimits.Default;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Fact]
    public void Random_bytes_never_throw() =>
        Gen.Byte.Array[0, 400].Sample(bytes => CheckBothFormats(bytes), iter: 20_000);

    [Fact]
    public void Damaged_valid_payloads_never_throw() =>
        Generators.MutatedPayloads.Sample(bytes => CheckBothFormats(bytes), iter: 10_000);

    [Fact]
    public void Random_json_values_never_throw() =>
        Generators.Json(expressible: false).Sample(json => CheckBothFormats(Encoding.UTF8.GetBytes(json)), iter: 10_000);

    [Fact]
    public void Every_element_of_an_array_of_random_objects_is_accepted_or_rejected_with_errors() =>
        Generators.EventLike(expressible: false).Array[1, 8].Sample(objects =>
        {
            foreach (var payload in new[] { "[" + string.Join(",", objects) + "]", "{\"events\":[" + string.Join(",", objects) + "]}" })
            {
                var result = Check(Encoding.UTF8.GetBytes(payload), PayloadFormat.Json);
                Assert.True(result.Error is null, result.Error?.Message);
                Assert.Equal(objects.Length, result.Total);
            }
            var lines = Check(Encoding.UTF8.GetBytes(string.Join("\n", objects)), PayloadFormat.Ndjson);
            Assert.True(lines.Error is null, lines.Error?.Message);
            Assert.Equal(objects.Length, lines.Total);
        }, iter: 5_000);

    [Fact]
    public void Valid_generated_events_are_accepted_as_generated_and_round_trip() =>
        Generators.Valid.Array[1, 5].Sample(events =>
        {
            var result = Check(Encoding.UTF8.GetBytes("[" + string.Join(",", events.Select(e => e.Json)) + "]"), PayloadFormat.Json);
            Assert.True(result.Rejected.Count == 0, Wire.Describe(result.Rejected));
            Assert.Equal(events.Length, result.Accepted.Count);
            for (int i = 0; i < events.Length; i++)
            {
                AssertMatches(events[i].Expected, result.Accepted[i]);
            }
        }, iter: 3_000);

    [Fact]
    public void Valid_generated_events_satisfy_the_json_schema()
    {
        Generators.Valid.Sample(e =>
        {
            using var doc = JsonDocument.Parse(e.Json);
            Assert.True(LogEventJsonSchema.Accepts(doc.RootElement));
        }, iter: 3_000);
    }

    [Fact]
    public void Schema_and_reader_agree_on_random_event_like_objects()
    {
        Generators.EventLike(expressible: true).Sample(json =>
        {
            var result = Wire.Read(json);
            Assert.True(result.Error is null, result.Error?.Message);
            using var doc = JsonDocument.Parse(json);
            bool schemaAccepts = LogEventJsonSchema.Accepts(doc.RootElement);
            if (schemaAccepts && result.Accepted.Count == 0 && Wire.Describe(result.Rejected).Contains("duplicate attribute key", StringComparison.Ordinal))
            {
                // A top-level field kept as an attribute under the name of an attribute the event also has: the reader
                // refuses the clash; JSON Schema cannot express uniqueness across two members, so only this case may differ.
                return;
            }

            Assert.True(schemaAccepts == (result.Accepted.Count == 1),
                $"schema {(schemaAccepts ? "accepts" : "rejects")}, reader {(result.Accepted.Count == 1 ? "accepts" : "rejects: " + Wire.Describe(result.Rejected))}");
        }, iter: 10_000);
    }

    [Theory]
    [InlineData("id", true)]
    [InlineData("service", true)]
    [InlineData("tenant_id", false)]
    [InlineData("host", true)]
    [InlineData("message", true)]
    public void Schema_and_reader_agree_on_every_single_character_value(string field, bool alsoPadded)
    {
        for (int c = 0; c <= char.MaxValue; c++)
        {
            if (char.IsSurrogate((char)c))
            {
                continue;
            }
            string text = ((char)c).ToString();
            foreach (var value in alsoPadded ? new[] { text, "a" + text + "b" } : [text])
            {
                string json = Wire.Event(field, Wire.Quote(value));
                bool reader = Wire.Read(json).Accepted.Count == 1;
                using var doc = JsonDocument.Parse(json);
                Assert.True(reader == LogEventJsonSchema.Accepts(doc.RootElement), $"{field} U+{c:X4} in \"{value}\": reader {reader}");
            }
        }
    }

    private static void CheckBothFormats(byte[] bytes)
    {
        Check(bytes, PayloadFormat.Json);
        Check(bytes, PayloadFormat.Ndjson);
    }

    /// <summary>Reads and checks what must hold for any input; returns the result for more specific checks.</summary>
    private static ParseResult Check(byte[] payload, PayloadFormat format)
    {
        var result = Wire.Reader.Read(payload, format, Wire.ReceivedAt);
        if (result.Error is not null)
        {
            Assert.Empty(result.Accepted);
            Assert.Empty(result.Rejected);
            Assert.False(string.IsNullOrWhiteSpace(result.Error.Message));
            return result;
        }
        Assert.True(result.Total > 0);
        Assert.True(result.Total <= Limits.MaxEventsPerBatch);
        int previous = -1;
        foreach (var rejected in result.Rejected)
        {
            Assert.NotEmpty(rejected.Errors);
            Assert.All(rejected.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
            // Errors go into JSON problem details, which cannot carry unpaired surrogates.
            Assert.All(rejected.Errors, e => StrictUtf8.GetByteCount(e.Field + e.Message));
            Assert.True(rejected.Index > previous && rejected.Index < result.Total);
            previous = rejected.Index;
        }
        foreach (var e in result.Accepted)
        {
            AssertNormalized(e);
        }
        AssertRoundTrip(result.Accepted);
        return result;
    }

    /// <summary>The guarantees an accepted event gives to the code downstream.</summary>
    private static void AssertNormalized(LogEvent e)
    {
        Assert.InRange(e.Id.Length, 1, 2 * Limits.MaxIdLength);
        Assert.Matches("^[A-Za-z0-9][A-Za-z0-9._-]*$", e.TenantId);
        Assert.InRange(e.TenantId.Length, 1, Limits.MaxTenantIdLength);
        Assert.Equal(TimeSpan.Zero, e.Timestamp.Offset);
        Assert.True(e.Timestamp <= Wire.ReceivedAt + Limits.MaxFutureSkew);
        Assert.True(e.Timestamp >= Wire.ReceivedAt - Limits.MaxPastAge);
        // Postgres text cannot hold U+0000; nothing downstream may ever see one.
        Assert.DoesNotContain('\0', e.Message);
        Assert.DoesNotContain(e.Attributes, a => a.Key.Contains('\0', StringComparison.Ordinal) || a.Value.Contains('\0', StringComparison.Ordinal));
        Assert.False(e.Host?.Any(char.IsControl) ?? false);
        Assert.True(Enum.IsDefined(e.Severity));
        Assert.Equal(e.Service.Trim(), e.Service);
        Assert.NotEmpty(e.Service);
        Assert.True(Encoding.UTF8.GetByteCount(e.Message) <= Limits.MaxMessageBytes);
        Assert.True(e.Attributes.Count <= Limits.MaxAttributes);
        Assert.Equal(e.Attributes.Count, e.Attributes.Select(a => a.Key).Distinct(StringComparer.Ordinal).Count());
        Assert.All(e.Attributes, a => Assert.True(Encoding.UTF8.GetByteCount(a.Value) <= Limits.MaxAttributeValueBytes));
        if (e.TraceId is not null)
        {
            Assert.Matches("^[0-9a-f]{32}$", e.TraceId);
        }
        if (e.SpanId is not null)
        {
            Assert.Matches("^[0-9a-f]{16}$", e.SpanId);
        }
        if (e.Host is not null)
        {
            Assert.NotEmpty(e.Host);
        }
    }

    private static void AssertRoundTrip(IReadOnlyList<LogEvent> accepted)
    {
        if (accepted.Count == 0)
        {
            return;
        }
        var reread = Wire.Read(Wire.WriteBatch(accepted));
        Assert.Null(reread.Error);
        Assert.Empty(reread.Rejected);
        Assert.Equal(accepted.Count, reread.Accepted.Count);
        for (int i = 0; i < accepted.Count; i++)
        {
            Wire.AssertSameEvent(accepted[i], reread.Accepted[i]);
        }
    }

    private static void AssertMatches(ExpectedEvent expected, LogEvent actual)
    {
        if (expected.Id is not null)
        {
            Assert.Equal(expected.Id, actual.Id);
        }
        else
        {
            Assert.True(Guid.TryParse(actual.Id, out var id) && id.Version == 7, actual.Id);
        }
        Assert.Equal(expected.TenantId, actual.TenantId);
        Assert.Equal(expected.UtcTicks, actual.Timestamp.UtcTicks);
        Assert.Equal(expected.Severity, actual.Severity);
        Assert.Equal(expected.Service, actual.Service);
        Assert.Equal(expected.Message, actual.Message);
        Assert.Equal(expected.Attributes, actual.Attributes.Where(a => !a.Key.StartsWith("x-extra", StringComparison.Ordinal)));
        Assert.Equal(expected.TraceId, actual.TraceId);
        Assert.Equal(expected.SpanId, actual.SpanId);
        Assert.Equal(expected.Host, actual.Host);
    }
}
