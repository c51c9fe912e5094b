using System.Globalization;
using System.Text;
using CsCheck;
using LogDapr.Contracts.Events;
using LogDapr.Contracts.Tests.Support;

namespace LogDapr.Contracts.Tests;

/// <summary>
/// The counting reader against the full reader on the same payloads: the same payload error, the same rejected events
/// with the same errors word for word, and for every accepted event the same count key (tenant, service, severity,
/// timestamp). The counting readers are shared by every sample (and CsCheck's threads), so what a reader keeps from
/// earlier payloads is exercised too.
/// </summary>
public class CountingReaderPropertyTests
{
    private static readonly DateTimeOffset ReceivedAt = Wire.ReceivedAt;

    // Low limits put the length rules within reach of short generated values, escaped and not.
    private static readonly LogEventLimits Tight = new()
    {
        MaxEventsPerBatch = 6,
        MaxMessageBytes = 40,
        MaxAttributes = 3,
        MaxAttributeKeyLength = 5,
        MaxAttributeValueBytes = 12,
        MaxIdLength = 6,
        MaxTenantIdLength = 8,
        MaxServiceLength = 10,
        MaxHostLength = 7,
        MaxFutureSkew = TimeSpan.FromMinutes(1),
        MaxPastAge = TimeSpan.FromDays(1),
    };

    // Long values take the counting reader past its own text buffer (1,024 characters) into rented ones.
    private static readonly LogEventLimits Long = new()
    {
        MaxMessageBytes = 2_000,
        MaxAttributeValueBytes = 1_500,
        MaxIdLength = 1_024,
        MaxHostLength = 1_024,
    };

    private static readonly LogEventLimits[] AllLimits = [LogEventLimits.Default, Tight, Long, LogEventLimits.Widest];
    private static readonly LogEventReader[] FullReaders = [.. AllLimits.Select(l => new LogEventReader(l))];
    private static readonly LogEventCountingReader[] CountingReaders = [.. AllLimits.Select(l => new LogEventCountingReader(l))];

    private static readonly Gen<int> AnyLimits = Gen.Int[0, AllLimits.Length - 1];

    [Fact]
    public void Random_event_like_objects_get_the_same_verdicts_and_keys() =>
        Gen.Select(Generators.EventLike(expressible: false).Array[1, 8], Gen.Int[0, 2], AnyLimits).Sample(t =>
        {
            var (objects, shape, limits) = t;
            var (payload, format) = shape switch
            {
                0 => ("[" + string.Join(",", objects) + "]", PayloadFormat.Json),
                1 => ("{\"events\":[" + string.Join(",", objects) + "]}", PayloadFormat.Json),
                _ => (string.Join("\n", objects), PayloadFormat.Ndjson),
            };
            AssertSame(Encoding.UTF8.GetBytes(payload), format, limits, ReceivedAt);
        }, iter: 10_000);

    [Fact]
    public void Events_read_through_aliases_get_the_same_verdicts_and_keys() =>
        Gen.Select(Generators.Valid, Gen.Int.Array[11], AnyLimits).Sample(t =>
        {
            var (valid, picks, limits) = t;
            // Each field under its canonical name or one of its aliases, so precedence and the second pass are reached.
            var fields = valid.Fields.Select((f, i) => FieldMapping.Default.Aliases.TryGetValue(f.Name, out var names) && names.Count > 0 && picks[i] % 3 != 0
                ? (Name: names[Pick(picks[i], names.Count)], f.Raw)
                : f).ToList();
            if (picks[10] % 2 == 0 && fields.Count > 0)
            {
                // The same field again under another of its names (or again under its own).
                fields.Add(valid.Fields[Pick(picks[10] / 2, valid.Fields.Length)]);
            }
            var json = "{" + string.Join(",", fields.Select(f => Wire.Quote(f.Name) + ":" + f.Raw)) + "}";
            AssertSame(Encoding.UTF8.GetBytes(json), PayloadFormat.Json, limits, ReceivedAt);
        }, iter: 5_000);

    [Fact]
    public void Damaged_payloads_get_the_same_verdicts_and_keys() =>
        Gen.Select(Generators.MutatedPayloads, Gen.Bool, AnyLimits).Sample(t =>
            AssertSame(t.Item1, t.Item2 ? PayloadFormat.Ndjson : PayloadFormat.Json, t.Item3, ReceivedAt), iter: 10_000);

    [Fact]
    public void Random_bytes_get_the_same_verdicts() =>
        Gen.Select(Gen.Byte.Array[0, 300], Gen.Bool, AnyLimits).Sample(t =>
            AssertSame(t.Item1, t.Item2 ? PayloadFormat.Ndjson : PayloadFormat.Json, t.Item3, ReceivedAt), iter: 10_000);

    [Fact]
    public void Long_only_validated_values_get_the_same_verdicts() =>
        Gen.Select(
                Gen.OneOf("id", "host", "message", "attributes", "extra", "trace_id"),
                Gen.String[Gen.Frequency((6, Gen.Char['a', 'z']), (1, Gen.OneOf('\0', '\n', '"', '\\', 'é', '\u2603', '\ud83d', '\ude00', '\u0085'))), 0, 2_600],
                Gen.Bool,
                Gen.Select(Gen.Int[-3_000, 3_000], AnyLimits))
            .Sample(t =>
            {
                var (field, text, escapeAll, (minutes, limits)) = t;
                var raw = escapeAll ? Wire.Quote(text) : Raw(text);
                var json = field switch
                {
                    "attributes" => Wire.Event("attributes", "{\"k\":" + raw + ",\"n\":" + text.Length.ToString(CultureInfo.InvariantCulture) + "}"),
                    _ => Wire.Event(field, raw),
                };
                // Receive times apart from the generated events' also exercise a reader reused at a new time.
                AssertSame(Encoding.UTF8.GetBytes(json), PayloadFormat.Json, limits, ReceivedAt.AddMinutes(minutes));
            }, iter: 3_000);

    [Fact]
    public void A_payload_refused_as_a_whole_adds_no_counted_events()
    {
        var counted = new List<CountedEvent> { new("kept", "svc", Severity.Info, ReceivedAt) };
        var valid = Wire.Event("service", "\"api\"");

        var result = CountingReaders[0].Count(Encoding.UTF8.GetBytes("[" + valid + "," + valid + "] x"), PayloadFormat.Json, ReceivedAt, counted);

        Assert.Equal(PayloadErrorKind.MalformedJson, result.Error?.Kind);
        Assert.Equal("kept", Assert.Single(counted).TenantId);
    }

    private static int Pick(int random, int count) => (int)((uint)random % (uint)count);

    /// <summary>JSON text that escapes only what it must (quote, backslash, control characters): the rest stays raw UTF-8.</summary>
    private static string Raw(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                < ' ' => builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => builder.Append(c),
            };
        }
        return builder.Append('"').ToString();
    }

    private static void AssertSame(byte[] payload, PayloadFormat format, int limits, DateTimeOffset receivedAt)
    {
        var full = FullReaders[limits].Read(payload, format, receivedAt);
        var counted = new List<CountedEvent>();
        var count = CountingReaders[limits].Count(payload, format, receivedAt, counted);

        Assert.Equal(full.Error, count.Error);
        Assert.Equal(full.Accepted.Count, count.Accepted);
        Assert.Equal(Describe(full.Rejected), Describe(count.Rejected));
        Assert.Equal(
            full.Accepted.Select(e => new CountedEvent(e.TenantId, e.Service, e.Severity, e.Timestamp)),
            counted);
    }

    private static string Describe(IReadOnlyList<RejectedEvent> rejected) =>
        string.Join("\n", rejected.Select(r => r.Index.ToString(CultureInfo.InvariantCulture) + ": "
            + string.Join(" | ", r.Errors.Select(e => e.Field + " = " + e.Message))));
}
