using System.Globalization;
using System.Text;
using System.Text.Json;
using CsCheck;
using LogDapr.Contracts.Events;

namespace LogDapr.Contracts.Tests.Support;

/// <summary>What a generated valid event must read as.</summary>
internal sealed record ExpectedEvent(
    string? Id, string TenantId, long UtcTicks, Severity Severity, string Service, string Message,
    KeyValuePair<string, string>[] Attributes, string? TraceId, string? SpanId, string? Host);

internal sealed record ValidEvent(string Json, ExpectedEvent Expected, (string Name, string Raw)[] Fields)
{
    public override string ToString() => Json;
}

/// <summary>Generators of payloads: arbitrary JSON, event-like objects with hostile values, and valid events.</summary>
internal static class Generators
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly string[] KnownNames =
        ["id", "tenant_id", "timestamp", "severity", "service", "message", "attributes", "trace_id", "span_id", "host"];

    /// <summary>Values that sit on or near a rule of some field.</summary>
    private static readonly string[] InterestingValues =
    [
        "null", "true", "false", "0", "1", "24", "25", "-1", "3.5", "1e400", "-0", "{}", "[]", "{\"a\":1}", "{\"a\":null}", "[1,\"x\"]",
        "\"\"", "\" \"", "\"info\"", "\"INFO\"", "\"Warning\"", "\"syslog:3\"", "\"syslog:9\"", "\"17\"", "\"017\"", "\"acme\"", "\"-acme\"",
        "\"a.b_c-d\"", "\"2026-11-22T10:00:00Z\"", "\"2026-11-22T10:00:00.123456789+02:00\"", "\"2026-11-22\"", "\"2026-11-22T10:00:00\"",
        "\"2026-13-01T00:00:00Z\"", "\"4bf92f3577b34da6a3ce929d0e0e4736\"", "\"4BF92F3577B34DA6A3CE929D0E0E4736\"",
        "\"00000000000000000000000000000000\"", "\"00f067aa0ba902b7\"", "\"0000000000000000\"", "\"  svc  \"", "\"a\\u0000b\"",
        "\"tab\\tinside\"", "\"\\u00e9\\u2603\\ud83d\\ude00\"", "{\"env\":\"prod\",\"n\":3,\"ok\":true}", "{\"\":\"x\"}",
    ];

    /// <summary>Values that may hit rules JSON Schema cannot express (impossible dates, future, bytes, bad Unicode).</summary>
    private static readonly string[] InexpressibleValues =
    [
        "\"2026-02-30T00:00:00Z\"", "\"2099-01-01T00:00:00Z\"", "\"0001-01-01T00:00:00+00:01\"", "\"\\ud800\"", "\"x\\udc00\"",
        "\"1970-01-01T00:00:00Z\"", "3.0", "1e1",
        "{\"a\":\"1\",\"a\":\"2\"}",
    ];

    private static Gen<string> Quoted(Gen<char> chars, int max) => Gen.String[chars, 0, max].Select(Wire.Quote);

    private static readonly Gen<char> AnyChar = Gen.Char;
    // Excludes surrogates, so strings are valid Unicode (their length rules are still random).
    private static readonly Gen<char> NonSurrogate = Gen.Char.Where(c => !char.IsSurrogate(c));
    private static readonly Gen<char> Printable = Gen.Char.Where(c => !char.IsSurrogate(c) && !char.IsControl(c));
    private static readonly Gen<char> PrintableNonWhiteSpace = Printable.Where(c => !char.IsWhiteSpace(c));

    private static readonly Gen<string> Number = Gen.OneOf(
        Gen.Int.Select(i => i.ToString(Invariant)),
        Gen.Double[-1e9, 1e9].Select(d => d.ToString("R", Invariant)),
        Gen.Long.Select(l => l.ToString(Invariant) + "e" + (l % 400).ToString(Invariant)));

    // The reader refuses an integral number written with a fraction or exponent (severity 1e1), which JSON Schema
    // cannot tell from 10; expressible values leave those out.
    private static readonly Gen<string> PlainOrFractionalNumber = Number.Where(n =>
        !n.AsSpan().ContainsAny(".eE") || !double.TryParse(n, NumberStyles.Float, Invariant, out var d) || d != Math.Floor(d));

    private static Gen<string> Scalars(bool expressible) => Gen.OneOf(
        Gen.OneOf(expressible ? InterestingValues : [.. InterestingValues, .. InexpressibleValues]),
        Quoted(expressible ? NonSurrogate : AnyChar, 12),
        expressible ? PlainOrFractionalNumber : Number);

    // The schema describes canonical names only (its description says so): an alias such as "ts" or "msg" drawn at
    // random is read as its field by the reader but is an attribute to the schema, so expressible keys leave them out.
    private static readonly HashSet<string> Aliases = [.. FieldMapping.Default.Aliases.Values.SelectMany(names => names)];

    private static Gen<string> Key(bool expressible) => Gen.Frequency(
        (3, Gen.OneOf(expressible ? KnownNames : [.. KnownNames, "events"]).Select(k => "\"" + k + "\"")),
        (1, expressible
            ? Gen.String[NonSurrogate, 0, 6].Where(k => !Aliases.Contains(k)).Select(Wire.Quote)
            : Quoted(AnyChar, 6)));

    private static Gen<string> Object(Gen<string> key, Gen<string> value, bool distinctKeys) =>
        Gen.Select(key, value).Array[0, 8].Select(pairs =>
            "{" + string.Join(",", (distinctKeys ? pairs.DistinctBy(p => p.Item1) : pairs).Select(p => p.Item1 + ":" + p.Item2)) + "}");

    /// <summary>Arbitrary JSON values up to depth 5 (below the reader's depth limit).</summary>
    public static Gen<string> Json(bool expressible) => Gen.Recursive<string>((depth, self) => depth >= 5
        ? Scalars(expressible)
        : Gen.Frequency(
            (4, Scalars(expressible)),
            (1, Object(Key(expressible), self, distinctKeys: expressible)),
            (1, self.Array[0, 5].Select(items => "[" + string.Join(",", items) + "]"))));

    /// <summary>
    /// Valid events with 0-3 fields replaced by interesting or arbitrary values, removed, or added (a mix of accepted
    /// and rejected events). Unless <paramref name="expressible"/>, a change may also repeat a field.
    /// </summary>
    public static Gen<string> EventLike(bool expressible) =>
        Gen.Select(
                Valid,
                Gen.Select(Key(expressible), Gen.Frequency((1, Gen.Const((string?)null)), (4, Scalars(expressible)!), (1, Json(expressible)!)), Gen.Bool).Array[0, 3])
            .Select(t =>
            {
                var (valid, changes) = t;
                var fields = valid.Fields.ToList();
                foreach (var (quotedKey, raw, repeat) in changes)
                {
                    string name = JsonSerializer.Deserialize<string>(quotedKey)!;
                    int at = fields.FindIndex(f => f.Name == name);
                    if (at >= 0 && !(repeat && !expressible))
                    {
                        fields.RemoveAt(at);
                    }
                    if (raw is not null)
                    {
                        fields.Insert(at >= 0 ? at : fields.Count, (name, raw));
                    }
                }
                return Render(fields);
            });

    private static string Render(IEnumerable<(string Name, string Raw)> fields) =>
        "{" + string.Join(",", fields.Select(f => Wire.Quote(f.Name) + ":" + f.Raw)) + "}";

    /// <summary>Valid payloads with a few bytes inserted, deleted or replaced: reaches every state of the reader.</summary>
    public static Gen<byte[]> MutatedPayloads =>
        Gen.Select(
                Valid.Array[1, 4],
                Gen.Bool,
                Gen.Select(Gen.Double.Unit, Gen.OneOf(Gen.Byte, Gen.OneOf("{}[],:\"\\ \nu0".Select(c => (byte)c).ToArray())), Gen.Int[0, 2]).Array[1, 4])
            .Select(t =>
            {
                var (events, ndjson, edits) = t;
                string text = ndjson ? string.Join("\n", events.Select(e => e.Json)) : "[" + string.Join(",", events.Select(e => e.Json)) + "]";
                var bytes = Encoding.UTF8.GetBytes(text).ToList();
                foreach (var (where, value, kind) in edits)
                {
                    int at = (int)(where * bytes.Count);
                    switch (kind)
                    {
                        case 0: bytes.Insert(at, value); break;
                        case 1 when at < bytes.Count: bytes.RemoveAt(at); break;
                        case 2 when at < bytes.Count: bytes[at] = value; break;
                    }
                }
                return bytes.ToArray();
            });

    // ---- valid events ----

    private const string TenantFirst = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string TenantRest = TenantFirst + "._-";
    private const string Hex = "0123456789abcdefABCDEF";

    private static Gen<(string? Raw, T? Value)> Optional<T>(Gen<(string Raw, T Value)> present) => Gen.Frequency(
        (1, Gen.Const<(string? Raw, T? Value)>((null, default))),
        (1, Gen.Const<(string? Raw, T? Value)>(("null", default))),
        (3, present.Select(p => ((string?)p.Raw, (T?)p.Value))));

    private static Gen<(string Raw, string Value)> Text(Gen<char> chars, int min, int max) =>
        Gen.String[chars, min, max].Select(s => (Wire.Quote(s), s));

    private static readonly Gen<(string Raw, string Value)> TenantId =
        Gen.Select(Gen.OneOf(TenantFirst.ToCharArray()), Gen.String[Gen.OneOf(TenantRest.ToCharArray()), 0, 63])
            .Select(t => t.Item1 + t.Item2)
            .Select(s => (Wire.Quote(s), s));

    private static readonly Gen<(string Raw, string Value)> Service =
        Gen.Select(Gen.String[Gen.OneOf(' ', '\u00A0', '\u3000'), 0, 3], PrintableNonWhiteSpace, Gen.String[Printable, 0, 100], PrintableNonWhiteSpace, Gen.String[Gen.OneOf(' ', '\u2003'), 0, 3])
            .Where(t => t.Item3.Length + 2 <= 120)
            .Select(t => (Wire.Quote(t.Item1 + t.Item2 + t.Item3 + t.Item4 + t.Item5), t.Item2 + t.Item3 + t.Item4));

    private static readonly Gen<(string Raw, Severity Value)> SeverityGen = Gen.OneOf(
        Gen.Select(Gen.OneOf(SeverityTests.Keywords.Select(r => ((string)r[0], (Severity)r[1])).ToArray()), Gen.Int)
            .Select(t => (Wire.Quote(RandomCase(t.Item1.Item1, t.Item2)), t.Item1.Item2)),
        Gen.OneOf(SeverityTests.SeverityNumbers().Select(r => ((int)r[0], (Severity)r[1])).ToArray())
            .SelectMany(n => Gen.OneOf(n.Item1.ToString(Invariant), $"\"{n.Item1}\"").Select(raw => (raw, n.Item2))),
        Gen.OneOf(SeverityTests.SyslogLevels.Select(r => ((int)r[0], (Severity)r[1])).ToArray())
            .Select(n => ($"\"syslog:{n.Item1}\"", n.Item2)));

    private static string RandomCase(string s, int bits) =>
        string.Concat(s.Select((c, i) => (bits >> (i % 31) & 1) == 1 ? char.ToUpperInvariant(c) : c));

    // Timestamps within the past window and the future skew around the receive time, with any offset and 0-9 fraction digits.
    private static readonly Gen<(string Raw, long Value)> Timestamp =
        Gen.Select(
                Gen.Long[Wire.ReceivedAt.UtcTicks - LogEventLimits.Default.MaxPastAge.Ticks + TimeSpan.TicksPerSecond,
                    Wire.ReceivedAt.UtcTicks + LogEventLimits.Default.MaxFutureSkew.Ticks],
                Gen.Int[-(23 * 60 + 59), 23 * 60 + 59],
                Gen.Int[0, 9],
                Gen.Int[0, 99],
                Gen.Bool,
                Gen.Bool)
            .Select(t =>
            {
                var (ticks, offsetMinutes, digits, extra, upper, useZ) = t;
                long precision = digits >= 7 ? 1 : (long)Math.Pow(10, 7 - digits);
                long utc = ticks - ticks % precision;
                var offset = useZ ? TimeSpan.Zero : TimeSpan.FromMinutes(offsetMinutes);
                var local = new DateTime(utc + offset.Ticks);
                string fraction = digits == 0 ? "" : "." + (local.Ticks % TimeSpan.TicksPerSecond).ToString("0000000", Invariant)[..Math.Min(digits, 7)]
                    + (digits > 7 ? extra.ToString("00", Invariant)[..(digits - 7)] : "");
                string zone = useZ ? (upper ? "Z" : "z") : (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm", Invariant);
                string text = local.ToString("yyyy-MM-dd", Invariant) + (upper ? "T" : "t") + local.ToString("HH:mm:ss", Invariant) + fraction + zone;
                return (Wire.Quote(text), utc);
            });

    private static readonly Gen<(string Raw, string Value)> AttributeValue = Gen.OneOf(
        Text(NonSurrogate, 0, 40),
        Gen.Int.Select(i => i.ToString(Invariant)).Select(s => (s, s)),
        Gen.Double.Where(double.IsFinite).Select(d => d.ToString("R", Invariant)).Select(s => (s, s)),
        Gen.Bool.Select(b => b ? ("true", "true") : ("false", "false")));

    private static readonly Gen<(string Raw, KeyValuePair<string, string>[] Value)> Attributes =
        Gen.Select(Gen.String[NonSurrogate, 1, 20], AttributeValue).Array[0, 10]
            .Select(pairs => pairs.DistinctBy(p => p.Item1).ToArray())
            .Select(pairs => (
                "{" + string.Join(",", pairs.Select(p => Wire.Quote(p.Item1) + ":" + p.Item2.Raw)) + "}",
                pairs.Select(p => KeyValuePair.Create(p.Item1, p.Item2.Value)).ToArray()));

    private static Gen<(string Raw, string Value)> HexId(int length) =>
        Gen.String[Gen.OneOf(Hex.ToCharArray()), length, length]
            .Where(s => s.Any(c => c != '0'))
            .Select(s => (Wire.Quote(s), s.ToLowerInvariant()));

    public static readonly Gen<ValidEvent> Valid =
        Gen.Select(
                Gen.Select(Optional(Text(Printable, 1, 128)), TenantId, Optional(Timestamp), SeverityGen, Service),
                Gen.Select(Text(AnyChar.Where(c => !char.IsSurrogate(c)), 0, 300), Optional(Attributes), Optional(HexId(32)), Optional(HexId(16)), Optional(Text(NonSurrogate, 1, 255))),
                // An unknown field becomes attributes "x-extra" or "x-extra.*" (checked apart from the generated attributes).
                Gen.Frequency((3, Gen.Const((string?)null)), (1, Gen.OneOf<string?>("1", "\"x\"", "null", "true", "{\"a\":{\"b\":\"c\"},\"n\":null}", "[1,\"x\",{}]"))),
                Gen.Int.Array[12])
            .Select(t =>
            {
                var ((id, tenant, timestamp, severity, service), (message, attributes, traceId, spanId, host), extra, order) = t;
                var fields = new List<(string Name, string? Raw)>
                {
                    ("id", id.Raw), ("tenant_id", tenant.Raw), ("timestamp", timestamp.Raw), ("severity", severity.Raw),
                    ("service", service.Raw), ("message", message.Raw), ("attributes", attributes.Raw), ("trace_id", traceId.Raw),
                    ("span_id", spanId.Raw), ("host", host.Raw), ("x-extra", extra),
                };
                var present = fields
                    .Select((f, i) => (f, key: order[i]))
                    .Where(x => x.f.Raw is not null)
                    .OrderBy(x => x.key)
                    .Select(x => (x.f.Name, Raw: x.f.Raw!))
                    .ToArray();
                string json = Render(present);
                var expected = new ExpectedEvent(
                    id.Value, tenant.Value, timestamp.Raw is "null" or null ? Wire.ReceivedAt.UtcTicks : timestamp.Value,
                    severity.Value, service.Value, message.Value, attributes.Value ?? [], traceId.Value, spanId.Value, host.Value);
                return new ValidEvent(json, expected, present);
            });
}
