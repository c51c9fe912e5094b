using LogDapr.Contracts.Events;

namespace LogDapr.Contracts.Tests;

/// <summary>
/// The field rules of LogEvent v1 as data: one change to the base event and its expected outcome. Used by the reader
/// tests and, to check that the JSON Schema says the same thing, by the schema tests.
/// </summary>
public static class FieldCases
{
    private static string Str(string value) => Wire.Quote(value);
    private static string Repeat(string value, int count) => string.Concat(Enumerable.Repeat(value, count));
    private static string Attributes(int count) =>
        "{" + string.Join(",", Enumerable.Range(0, count).Select(i => $"\"k{i}\":\"v\"")) + "}";

    /// <summary>field, raw JSON value (null: field removed), expected normalized value (see <see cref="Normalized"/>).</summary>
    public static TheoryData<string, string?, string> Valid => new()
    {
        { "id", Str("evt-1"), "evt-1" },
        { "id", Str(new string('i', 128)), new string('i', 128) },
        { "id", Str(Repeat("\U0001F600", 128)), Repeat("\U0001F600", 128) },
        { "id", Str("with space and ümlaut"), "with space and ümlaut" },
        { "tenant_id", Str("a"), "a" },
        { "tenant_id", Str("Acme-01.prod_eu"), "Acme-01.prod_eu" },
        { "tenant_id", Str("9" + new string('t', 63)), "9" + new string('t', 63) },
        { "tenant_id", "\"\\u0061cme\"", "acme" },
        { "service", Str("  checkout  "), "checkout" },
        { "service", Str("\u00A0pay ments\u3000"), "pay ments" },
        { "service", Str(new string('s', 128)), new string('s', 128) },
        { "service", Str("x"), "x" },
        { "timestamp", null, "2026-11-22T10:00:00.0000000Z" },
        { "timestamp", "null", "2026-11-22T10:00:00.0000000Z" },
        { "timestamp", Str("2026-11-22T10:00:00.123456Z"), "2026-11-22T10:00:00.1234560Z" },
        { "timestamp", Str("2026-11-22T12:00:00+02:00"), "2026-11-22T10:00:00.0000000Z" },
        { "timestamp", Str("2026-11-22T08:30:00-01:30"), "2026-11-22T10:00:00.0000000Z" },
        { "timestamp", Str("2026-11-22t09:00:00z"), "2026-11-22T09:00:00.0000000Z" },
        { "timestamp", Str("2026-11-22T10:15:00Z"), "2026-11-22T10:15:00.0000000Z" },
        { "timestamp", Str("2026-11-22T09:59:59.123456789Z"), "2026-11-22T09:59:59.1234567Z" },
        { "timestamp", Str("1999-12-31T23:30:00-01:00"), "2000-01-01T00:30:00.0000000Z" },
        { "timestamp", Str("2024-02-29T00:00:00Z"), "2024-02-29T00:00:00.0000000Z" },
        { "timestamp", Str("0001-01-01T00:00:00Z"), "0001-01-01T00:00:00.0000000Z" },
        { "severity", Str("WARNING"), "warn" },
        { "severity", "17", "error" },
        { "severity", Str("syslog:2"), "fatal" },
        { "message", Str(""), "" },
        { "message", Str(new string('m', 32768)), new string('m', 32768) },
        { "message", Str(Repeat("é", 16384)), Repeat("é", 16384) },
        { "message", "\"" + Repeat("\\n", 20000) + "\"", new string('\n', 20000) },
        { "message", Str("line1\nline2 \"quoted\" \u2603"), "line1\nline2 \"quoted\" \u2603" },
        { "attributes", null, "" },
        { "attributes", "null", "" },
        { "attributes", "{}", "" },
        { "attributes", """{"env":"prod","pod":"p-1"}""", "env=prod;pod=p-1" },
        { "attributes", """{"z":"1","a":"2"}""", "z=1;a=2" },
        { "attributes", """{"n":3,"f":-1.50,"e":1e3,"big":123456789012345678901234567890}""", "n=3;f=-1.50;e=1e3;big=123456789012345678901234567890" },
        { "attributes", """{"t":true,"f":false}""", "t=true;f=false" },
        { "attributes", """{"empty":""}""", "empty=" },
        { "attributes", Attributes(64), string.Join(";", Enumerable.Range(0, 64).Select(i => $"k{i}=v")) },
        { "attributes", "{" + Str(new string('k', 128)) + ":" + Str(new string('v', 4096)) + "}", new string('k', 128) + "=" + new string('v', 4096) },
        { "trace_id", Str("0123456789ABCDEF0123456789abcdef"), "0123456789abcdef0123456789abcdef" },
        { "trace_id", "null", "" },
        { "trace_id", Str("00000000000000000000000000000001"), "00000000000000000000000000000001" },
        { "span_id", Str("00F067AA0BA902B7"), "00f067aa0ba902b7" },
        { "span_id", "null", "" },
        { "host", Str("node-1.cluster.local"), "node-1.cluster.local" },
        { "host", Str(new string('h', 255)), new string('h', 255) },
        { "host", "null", "" },
        { "unknown_field", """{"nested":[1,{"x":null}],"deep":[[[["ok"]]]]}""", "" },
        { "Tenant_ID", "5", "" },
    };

    /// <summary>
    /// field, raw JSON value (null: field removed), the field the error must name, a fragment the message must
    /// contain (the rule or the limit), and whether JSON Schema can express the rule.
    /// </summary>
    public static TheoryData<string, string?, string, string, bool> Invalid => new()
    {
        { "id", Str(""), "id", "id must not be empty", true },
        { "id", Str(new string('i', 129)), "id", "id is 129 characters; limit is 128 (Ingest:MaxIdLength)", true },
        { "id", Str("a\u0001b"), "id", "id must not contain control characters", true },
        { "id", Str("a\u0085b"), "id", "id must not contain control characters", true },
        { "id", Str("tab\there"), "id", "id must not contain control characters", true },
        { "id", "42", "id", "id must be a string, got number", true },
        { "id", "{}", "id", "id must be a string, got object", true },
        { "id", "[\"a\"]", "id", "id must be a string, got array", true },
        { "id", "true", "id", "id must be a string, got boolean", true },

        { "tenant_id", null, "tenant_id", "tenant_id is required", true },
        { "tenant_id", "null", "tenant_id", "tenant_id must be a string, got null", true },
        { "tenant_id", "7", "tenant_id", "tenant_id must be a string, got number", true },
        { "tenant_id", Str(""), "tenant_id", "tenant_id must not be empty", true },
        { "tenant_id", Str(new string('t', 65)), "tenant_id", "tenant_id is 65 characters; limit is 64 (Ingest:MaxTenantIdLength)", true },
        { "tenant_id", Str("-acme"), "tenant_id", "[A-Za-z0-9][A-Za-z0-9._-]*", true },
        { "tenant_id", Str(".acme"), "tenant_id", "[A-Za-z0-9][A-Za-z0-9._-]*", true },
        { "tenant_id", Str("ac me"), "tenant_id", "[A-Za-z0-9][A-Za-z0-9._-]*", true },
        { "tenant_id", Str("acme/eu"), "tenant_id", "[A-Za-z0-9][A-Za-z0-9._-]*", true },
        { "tenant_id", Str("äcme"), "tenant_id", "[A-Za-z0-9][A-Za-z0-9._-]*", true },
        { "tenant_id", Str("acme\n"), "tenant_id", "[A-Za-z0-9][A-Za-z0-9._-]*", true },

        { "service", null, "service", "service is required", true },
        { "service", "null", "service", "service must be a string, got null", true },
        { "service", "[]", "service", "service must be a string, got array", true },
        { "service", Str(""), "service", "service must not be empty or only whitespace", true },
        { "service", Str("   "), "service", "service must not be empty or only whitespace", true },
        { "service", Str("\u2003\u00A0"), "service", "service must not be empty or only whitespace", true },
        { "service", Str(new string('s', 129)), "service", "service is 129 characters; limit is 128 (Ingest:MaxServiceLength)", true },
        { "service", Str("check\nout"), "service", "service must not contain control characters", true },
        { "service", Str("\tcheckout"), "service", "service must not contain control characters", true },
        { "service", Str("a\u009Fb"), "service", "service must not contain control characters", true },

        { "timestamp", Str("2026-11-22"), "timestamp", "has a date but no time", true },
        { "timestamp", Str("2026-11-22T10:00:00"), "timestamp", "has no UTC offset", true },
        { "timestamp", Str("2026-11-22T10:00:00.5"), "timestamp", "has no UTC offset", true },
        { "timestamp", Str("2026-11-22 10:00:00Z"), "timestamp", "RFC 3339", true },
        { "timestamp", Str("2026-11-22T10:00Z"), "timestamp", "RFC 3339", true },
        { "timestamp", Str("2026-11-22T10:00:00.Z"), "timestamp", "RFC 3339", true },
        { "timestamp", Str("2026-11-22T10:00:00.1234567891Z"), "timestamp", "RFC 3339", true },
        { "timestamp", Str("2026-11-22T10:00:00+0200"), "timestamp", "RFC 3339", true },
        { "timestamp", Str("2026-11-22T10:00:00 Z"), "timestamp", "RFC 3339", true },
        { "timestamp", Str("22/11/2026 10:00"), "timestamp", "RFC 3339", true },
        { "timestamp", Str(""), "timestamp", "RFC 3339", true },
        { "timestamp", Str("2026-13-01T00:00:00Z"), "timestamp", "not a valid date and time", true },
        { "timestamp", Str("2026-00-10T00:00:00Z"), "timestamp", "not a valid date and time", true },
        { "timestamp", Str("2026-11-00T00:00:00Z"), "timestamp", "not a valid date and time", true },
        { "timestamp", Str("2026-11-22T24:00:00Z"), "timestamp", "not a valid date and time", true },
        { "timestamp", Str("2026-11-22T10:60:00Z"), "timestamp", "not a valid date and time", true },
        { "timestamp", Str("2026-11-22T10:00:60Z"), "timestamp", "not a valid date and time", true },
        { "timestamp", Str("2026-11-22T10:00:00+24:00"), "timestamp", "not a valid date and time", true },
        { "timestamp", Str("0000-01-01T00:00:00Z"), "timestamp", "not a valid date and time", true },
        { "timestamp", Str("2026-02-30T00:00:00Z"), "timestamp", "not a valid date and time", false },
        { "timestamp", Str("2025-02-29T00:00:00Z"), "timestamp", "not a valid date and time", false },
        { "timestamp", Str("2026-04-31T00:00:00Z"), "timestamp", "not a valid date and time", false },
        { "timestamp", Str("0001-01-01T00:00:00+01:00"), "timestamp", "not a valid date and time", false },
        { "timestamp", Str("2026-11-22T10:15:00.0000001Z"), "timestamp", "later than the receive time plus 00:15:00 (Ingest:MaxFutureSkew)", false },
        { "timestamp", Str("2027-01-01T00:00:00Z"), "timestamp", "(Ingest:MaxFutureSkew)", false },
        { "timestamp", "1764000000", "timestamp", "timestamp must be an RFC 3339 date-time string, got number", true },

        { "severity", null, "severity", "severity is required", true },
        { "severity", "null", "severity", "severity must be a string or a number, got null", true },
        { "severity", "true", "severity", "severity must be a string or a number, got boolean", true },
        { "severity", "{\"level\":3}", "severity", "severity must be a string or a number, got object", true },
        { "severity", Str("verbose"), "severity", "severity \"verbose\" is not recognized; use one of trace, debug, info, warn, error, fatal", true },
        { "severity", Str(""), "severity", "is not recognized", true },
        { "severity", Str(" info"), "severity", "is not recognized", true },
        { "severity", Str("0"), "severity", "is not recognized", true },
        { "severity", Str("25"), "severity", "is not recognized", true },
        { "severity", Str("07"), "severity", "is not recognized", true },
        { "severity", Str("syslog:8"), "severity", "syslog:0 to syslog:7", true },
        { "severity", Str("syslog:"), "severity", "is not recognized", true },
        { "severity", "0", "severity", "severity 0 is not an OpenTelemetry SeverityNumber (an integer 1-24)", true },
        { "severity", "25", "severity", "severity 25 is not an OpenTelemetry SeverityNumber (an integer 1-24)", true },
        { "severity", "-3", "severity", "not an OpenTelemetry SeverityNumber", true },
        { "severity", "9.5", "severity", "not an OpenTelemetry SeverityNumber", true },
        { "severity", "1e400", "severity", "not an OpenTelemetry SeverityNumber", true },

        { "message", null, "message", "message is required", true },
        { "message", "null", "message", "message must be a string, got null", true },
        { "message", "12", "message", "message must be a string, got number", true },
        { "message", Str(new string('m', 32769)), "message", "message is 32769 bytes; limit is 32768 (Ingest:MaxMessageBytes)", true },
        { "message", Str(Repeat("é", 16385)), "message", "message is 32770 bytes; limit is 32768 (Ingest:MaxMessageBytes)", false },
        { "message", "\"" + Repeat("\\u00e9", 20000) + "\"", "message", "message is 40000 bytes; limit is 32768 (Ingest:MaxMessageBytes)", false },

        { "attributes", "\"env=prod\"", "attributes", "attributes must be an object whose values are strings, numbers or booleans, got string", true },
        { "attributes", "[]", "attributes", "got array", true },
        { "attributes", """{"env":null}""", "attributes.env", "attributes.env must be a string, number or boolean, got null", true },
        { "attributes", """{"env":{"a":1}}""", "attributes.env", "attributes.env must be a string, number or boolean, got object", true },
        { "attributes", """{"env":["a"]}""", "attributes.env", "got array", true },
        { "attributes", """{"":"x"}""", "attributes", "attribute keys must not be empty", true },
        { "attributes", "{" + Str(new string('k', 129)) + ":\"v\"}", "attributes", "is 129 characters; limit is 128 (Ingest:MaxAttributeKeyLength)", true },
        { "attributes", """{"k":""" + Str(new string('v', 4097)) + "}", "attributes.k", "attributes.k is 4097 bytes; limit is 4096 (Ingest:MaxAttributeValueBytes)", true },
        { "attributes", """{"k":""" + Str(Repeat("ü", 2049)) + "}", "attributes.k", "attributes.k is 4098 bytes; limit is 4096 (Ingest:MaxAttributeValueBytes)", false },
        { "attributes", Attributes(65), "attributes", "attributes has 65 entries; limit is 64 (Ingest:MaxAttributes)", true },
        { "attributes", Attributes(300), "attributes", "attributes has 300 entries; limit is 64 (Ingest:MaxAttributes)", true },
        { "attributes", """{"env":"a","env":"b"}""", "attributes.env", "duplicate attribute key \"env\"", false },

        { "trace_id", "123", "trace_id", "trace_id must be a string of 32 hexadecimal digits, got number", true },
        { "trace_id", Str(new string('a', 31)), "trace_id", "trace_id must be exactly 32 hexadecimal digits", true },
        { "trace_id", Str(new string('a', 33)), "trace_id", "trace_id must be exactly 32 hexadecimal digits", true },
        { "trace_id", Str(new string('g', 32)), "trace_id", "trace_id must be exactly 32 hexadecimal digits", true },
        { "trace_id", Str("4bf92f3577b34da6-a3ce929d0e0e4736"), "trace_id", "trace_id must be exactly 32 hexadecimal digits", true },
        { "trace_id", Str(new string('0', 32)), "trace_id", "trace_id must not be all zeros", true },
        { "span_id", Str(new string('a', 15)), "span_id", "span_id must be exactly 16 hexadecimal digits", true },
        { "span_id", Str(new string('a', 32)), "span_id", "span_id must be exactly 16 hexadecimal digits", true },
        { "span_id", Str(new string('0', 16)), "span_id", "span_id must not be all zeros", true },
        { "span_id", "false", "span_id", "span_id must be a string of 16 hexadecimal digits, got boolean", true },

        { "host", Str(""), "host", "host must not be empty", true },
        { "host", Str(new string('h', 256)), "host", "host is 256 characters; limit is 255 (Ingest:MaxHostLength)", true },
        { "host", "1", "host", "host must be a string, got number", true },
    };

    /// <summary>The event's value for <paramref name="field"/> in the form the <see cref="Valid"/> table uses.</summary>
    public static string Normalized(LogEvent e, string field) => field switch
    {
        "id" => e.Id,
        "tenant_id" => e.TenantId,
        "service" => e.Service,
        "timestamp" => e.Timestamp.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        "severity" => SeverityNames.ToWire(e.Severity),
        "message" => e.Message,
        "attributes" => string.Join(";", e.Attributes.Select(a => $"{a.Key}={a.Value}")),
        "trace_id" => e.TraceId ?? "",
        "span_id" => e.SpanId ?? "",
        "host" => e.Host ?? "",
        _ => "",
    };
}
