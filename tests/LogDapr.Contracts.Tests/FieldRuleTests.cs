using System.Text;
using LogDapr.Contracts.Events;
using LogDapr.Contracts.Tests.Support;

namespace LogDapr.Contracts.Tests;

public class FieldRuleTests
{
    [Theory]
    [MemberData(nameof(FieldCases.Valid), MemberType = typeof(FieldCases))]
    public void Valid_values_are_accepted_and_normalized(string field, string? raw, string expected)
    {
        var accepted = Wire.Accepted(Wire.Event(field, raw));
        Assert.Equal(expected, FieldCases.Normalized(accepted, field));
    }

    [Theory]
    [MemberData(nameof(FieldCases.Invalid), MemberType = typeof(FieldCases))]
    public void Invalid_values_are_rejected_naming_the_field_and_the_rule(string field, string? raw, string errorField, string fragment, bool schemaCanExpress)
    {
        _ = schemaCanExpress;
        var errors = Wire.Rejected(Wire.Event(field, raw));
        var error = Assert.Single(errors);
        Assert.Equal(errorField, error.Field);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_absent_id_is_generated_as_a_lowercase_version_7_guid_from_the_receive_time()
    {
        var first = Wire.Accepted(Wire.Event("id", null));
        var second = Wire.Accepted(Wire.Event("id", "null"));

        foreach (var e in new[] { first, second })
        {
            Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", e.Id);
            var unixMilliseconds = Convert.ToInt64(e.Id.Replace("-", "", StringComparison.Ordinal)[..12], 16);
            Assert.Equal(Wire.ReceivedAt.ToUnixTimeMilliseconds(), unixMilliseconds);
        }
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public void Absent_ids_come_from_the_given_source_by_payload_index_and_are_marked_generated()
    {
        var payload = Encoding.UTF8.GetBytes("[" + string.Join(",",
            Wire.Event("id", null), Wire.Event("id", "\"client\""), Wire.Event("severity", "\"loud\""), Wire.Event("id", "null")) + "]");

        var result = Wire.Reader.Read(payload, PayloadFormat.Json, Wire.ReceivedAt, index => $"derived-{index}");

        Assert.Equal(["derived-0", "client", "derived-3"], result.Accepted.Select(e => e.Id));
        Assert.Equal([true, false, true], result.Accepted.Select(e => e.IdGenerated));
    }

    [Fact]
    public void Ndjson_ids_are_derived_from_the_position_among_non_blank_lines()
    {
        var payload = Encoding.UTF8.GetBytes("\n" + Wire.Event("id", null) + "\n\n" + Wire.Event("id", null) + "\n");

        var result = Wire.Reader.Read(payload, PayloadFormat.Ndjson, Wire.ReceivedAt, index => $"line-{index}");

        Assert.Equal(["line-0", "line-1"], result.Accepted.Select(e => e.Id));
    }

    [Fact]
    public void A_wider_past_window_accepts_old_timestamps_and_the_widest_has_none()
    {
        var tenYears = LogEventLimits.Default with { MaxPastAge = TimeSpan.FromDays(3650) };

        Assert.Equal(new DateTimeOffset(2024, 2, 29, 0, 0, 0, TimeSpan.Zero), Wire.Accepted(Wire.Event("timestamp", "\"2024-02-29T00:00:00Z\""), tenYears).Timestamp);
        Assert.Equal(DateTimeOffset.MinValue, Wire.Accepted(Wire.Event("timestamp", "\"0001-01-01T00:00:00Z\""), LogEventLimits.Widest).Timestamp);
    }

    [Fact]
    public void Every_field_error_of_an_event_is_reported_not_just_the_first()
    {
        var errors = Wire.Rejected("""
            {"tenant_id":"-bad","service":"","severity":"loud","timestamp":"2026-11-22",
             "attributes":{"a":"\u0000","b":{"c":"\u0000"}},"trace_id":"xyz","span_id":"0000000000000000","host":""}
            """);

        Assert.Equal(
            ["tenant_id", "service", "severity", "timestamp", "attributes.a", "attributes.b.c", "trace_id", "span_id", "host", "message"],
            errors.Select(e => e.Field));
    }

    [Theory]
    [InlineData("id", "\"a\"")]
    [InlineData("tenant_id", "\"acme\"")]
    [InlineData("timestamp", "\"2026-11-22T10:00:00Z\"")]
    [InlineData("severity", "\"info\"")]
    [InlineData("service", "\"checkout\"")]
    [InlineData("message", "\"hello\"")]
    [InlineData("attributes", "{}")]
    [InlineData("trace_id", "\"4bf92f3577b34da6a3ce929d0e0e4736\"")]
    [InlineData("span_id", "\"00f067aa0ba902b7\"")]
    [InlineData("host", "\"h\"")]
    public void A_field_that_appears_twice_is_rejected(string field, string raw)
    {
        var payload = Wire.Event(field, raw)[..^1] + $",\"{field}\":{raw}}}";

        var error = Assert.Single(Wire.Rejected(payload));

        Assert.Equal(field, error.Field);
        Assert.Contains($"duplicate field {field}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_fields_become_attributes_and_a_losing_alias_too()
    {
        var e = Wire.Accepted(Wire.Event(("labels", "{\"a\":[1,2,{\"b\":null}],\"n\":null}"), ("level", "\"whatever\""), ("Message", "42")));

        Assert.Equal("hello", e.Message);
        Assert.Equal(Severity.Info, e.Severity);
        Assert.Equal([new("labels.a", "[1,2,{\"b\":null}]"), new("level", "whatever"), new("Message", "42")], e.Attributes);
    }

    [Fact]
    public void Escaped_field_names_are_recognized()
    {
        var e = Wire.Accepted("""{"tenant\u005fid":"acme","\u0073ervice":"svc","severity":"info","message":"m"}""");

        Assert.Equal("acme", e.TenantId);
        Assert.Equal("svc", e.Service);
    }

    [Fact]
    public void Attributes_keep_their_order_and_number_and_boolean_values_become_their_json_text()
    {
        var e = Wire.Accepted(Wire.Event("attributes", """{"z":"last","retries":3,"ratio":0.250,"ok":true,"id":"x"}"""));

        Assert.Equal(
            [new("z", "last"), new("retries", "3"), new("ratio", "0.250"), new("ok", "true"), new("id", "x")],
            e.Attributes);
    }

    [Fact]
    public void Strings_that_are_not_valid_utf8_are_rejected_on_their_field()
    {
        var payload = Encoding.UTF8.GetBytes(Wire.Event("message", "\"bad:XX\""));
        int at = Array.IndexOf(payload, (byte)'X');
        payload[at] = 0xC3;
        payload[at + 1] = 0x28;

        var result = Wire.Read(payload);

        var error = Assert.Single(Assert.Single(result.Rejected).Errors);
        Assert.Equal("message", error.Field);
        Assert.Contains("valid Unicode", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("message", "\"\\ud800\"", "message")]
    [InlineData("service", "\"a\\udc00b\"", "service")]
    [InlineData("attributes", "{\"k\":\"\\ud800\"}", "attributes.k")]
    [InlineData("attributes", "{\"\\ud800\":\"v\"}", "attributes")]
    public void Unpaired_surrogate_escapes_are_rejected_on_their_field(string field, string raw, string errorField)
    {
        var error = Assert.Single(Wire.Rejected(Wire.Event(field, raw)));

        Assert.Equal(errorField, error.Field);
        Assert.Contains("valid Unicode", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_keys_quoted_in_errors_are_cut_between_characters_not_inside_one()
    {
        string key = "a" + string.Concat(Enumerable.Repeat("\U0001F600", 200));

        var error = Assert.Single(Wire.Rejected(Wire.Event("attributes", "{" + Wire.Quote(key) + ":\"v\"}")));

        Assert.Equal("attributes", error.Field);
        Assert.Contains("is 201 characters; limit is 128", error.Message, StringComparison.Ordinal);
        // Problem details are JSON, which cannot carry an unpaired surrogate.
        Assert.Null(Record.Exception(() => new UTF8Encoding(false, throwOnInvalidBytes: true).GetByteCount(error.Message)));
    }

    [Fact]
    public void Invalid_utf8_inside_an_unknown_field_rejects_the_event_naming_the_field()
    {
        var payload = Encoding.UTF8.GetBytes(Wire.Event("note", "\"XX\""));
        int at = Array.IndexOf(payload, (byte)'X');
        payload[at] = 0xFF;
        payload[at + 1] = 0xFE;

        var error = Assert.Single(Assert.Single(Wire.Read(payload).Rejected).Errors);
        Assert.Equal("note", error.Field);
        Assert.Contains("valid Unicode", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_limits_apply_and_the_message_names_the_configured_value()
    {
        var limits = LogEventLimits.Default with
        {
            MaxIdLength = 4,
            MaxTenantIdLength = 3,
            MaxServiceLength = 2,
            MaxMessageBytes = 5,
            MaxAttributes = 1,
            MaxAttributeKeyLength = 2,
            MaxAttributeValueBytes = 1,
            MaxHostLength = 1,
            MaxFutureSkew = TimeSpan.Zero,
            MaxPastAge = TimeSpan.FromMinutes(1),
        };
        var exactlyAtLimits = Wire.Event(("id", "\"abcd\""), ("tenant_id", "\"abc\""), ("service", "\"ab\""), ("message", "\"12345\""),
            ("attributes", "{\"kk\":\"v\"}"), ("host", "\"h\""), ("timestamp", "\"2026-11-22T10:00:00Z\""));
        Wire.Accepted(exactlyAtLimits, limits);

        var errors = Wire.Rejected(Wire.Event(("id", "\"abcde\""), ("tenant_id", "\"abcd\""), ("service", "\"abc\""), ("message", "\"123456\""),
            ("attributes", "{\"kkk\":\"v\",\"k\":\"vv\"}"), ("host", "\"hh\""), ("timestamp", "\"2026-11-22T10:00:00.001Z\"")), limits);

        var expected = new (string Field, string Fragment)[]
        {
            ("tenant_id", "limit is 3 (Ingest:MaxTenantIdLength)"),
            ("service", "limit is 2 (Ingest:MaxServiceLength)"),
            ("message", "limit is 5 (Ingest:MaxMessageBytes)"),
            ("id", "limit is 4 (Ingest:MaxIdLength)"),
            ("attributes", "limit is 2 (Ingest:MaxAttributeKeyLength)"),
            ("host", "limit is 1 (Ingest:MaxHostLength)"),
            ("timestamp", "plus 00:00:00 (Ingest:MaxFutureSkew)"),
            // Reported last: attributes come from the attributes object, unknown fields and nested objects, all counted together.
            ("attributes", "limit is 1 (Ingest:MaxAttributes)"),
        };
        var tooOld = Wire.Rejected(Wire.Event(("tenant_id", "\"abc\""), ("service", "\"ab\""), ("timestamp", "\"2026-11-22T09:58:59Z\"")), limits);
        Assert.Contains("minus 00:01:00 (Ingest:MaxPastAge)", Assert.Single(tooOld).Message, StringComparison.Ordinal);
        Assert.Equal(expected.Select(e => e.Field), errors.Select(e => e.Field));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Contains(expected[i].Fragment, errors[i].Message, StringComparison.Ordinal);
        }
    }
}
