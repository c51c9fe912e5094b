using System.Text;
using LogDapr.Contracts.Events;
using LogDapr.Contracts.Tests.Support;

namespace LogDapr.Contracts.Tests;

public class FieldMappingTests
{
    // Seed 003 as written, except that the timestamp is inside the accepted window (see the old-timestamp test below).
    private const string Seed003 =
        """{"id":"evt-1","tenant_id":"tenant-1","timestamp":"2026-11-22T09:30:00Z","severity":"INFO","source":"api-gateway","message":"Request processed successfully"}""";

    private const string Seed004 =
        """{"level":"ERROR","message":"Payment processing failed","service":"payment-service","source_ip":"192.168.1.100"}""";

    private static ParseResult Read(string payload, FieldMapping? mapping = null, string? defaultTenant = null, LogEventLimits? limits = null) =>
        new LogEventReader(limits ?? LogEventLimits.Default, mapping).Read(Encoding.UTF8.GetBytes(payload), PayloadFormat.Json, Wire.ReceivedAt, defaultTenant: defaultTenant);

    private static LogEvent Accepted(string payload, FieldMapping? mapping = null, string? defaultTenant = null)
    {
        var result = Read(payload, mapping, defaultTenant);
        Assert.Null(result.Error);
        Assert.True(result.Rejected.Count == 0, Wire.Describe(result.Rejected));
        return Assert.Single(result.Accepted);
    }

    [Fact]
    public void Seed_003_is_accepted_with_source_as_the_service()
    {
        var e = Accepted(Seed003);

        Assert.Equal(("evt-1", "tenant-1", "api-gateway", Severity.Info), (e.Id, e.TenantId, e.Service, e.Severity));
        Assert.Equal("Request processed successfully", e.Message);
        Assert.Empty(e.Attributes);
    }

    [Fact]
    public void Seed_003_in_its_batch_form_is_accepted()
    {
        var result = Read("{\"events\":[" + Seed003 + "," + Seed003.Replace("evt-1", "evt-2", StringComparison.Ordinal) + "]}");

        Assert.Equal(["api-gateway", "api-gateway"], result.Accepted.Select(e => e.Service));
        Assert.Empty(result.Rejected);
    }

    [Fact]
    public void Seed_003_with_its_2024_timestamp_is_rejected_by_the_past_age_limit_naming_the_setting()
    {
        var error = Assert.Single(Wire.Rejected(Seed003.Replace("2026-11-22T09:30:00Z", "2024-01-15T10:30:00Z", StringComparison.Ordinal)));

        Assert.Equal("timestamp", error.Field);
        Assert.Contains("(Ingest:MaxPastAge)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_004_takes_the_default_tenant_level_as_severity_and_keeps_source_ip_as_an_attribute()
    {
        var e = Accepted(Seed004, defaultTenant: "payments");

        Assert.Equal(("payments", Severity.Error, "payment-service"), (e.TenantId, e.Severity, e.Service));
        Assert.Equal([new("source_ip", "192.168.1.100")], e.Attributes);
    }

    [Fact]
    public void Without_a_default_tenant_a_missing_tenant_id_is_required()
    {
        var error = Assert.Single(Assert.Single(Read(Seed004).Rejected).Errors);

        Assert.Equal(("tenant_id", "tenant_id is required"), (error.Field, error.Message));
    }

    [Fact]
    public void An_event_naming_its_tenant_keeps_it_over_the_default()
    {
        Assert.Equal("other", Accepted(Wire.Event("tenant_id", "\"other\""), defaultTenant: "payments").TenantId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-bad")]
    [InlineData("a b")]
    public void An_invalid_default_tenant_is_refused_by_the_caller_contract(string tenant)
    {
        var ex = Assert.Throws<ArgumentException>(() => Read(Seed004, defaultTenant: tenant));
        Assert.Contains("tenant id", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> EveryDefaultAlias()
    {
        var data = new TheoryData<string, string, string>();
        string[] values = ["evt-9", "2026-11-22T09:00:00Z", "warn", "svc-a", "text", "node-1", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"];
        string[] fields = ["id", "timestamp", "severity", "service", "message", "host", "trace_id", "span_id"];
        for (int i = 0; i < fields.Length; i++)
        {
            foreach (var alias in FieldMapping.Default.Aliases[fields[i]])
            {
                string value = alias.Contains("number", StringComparison.OrdinalIgnoreCase) ? "13" : Wire.Quote(values[i]);
                data.Add(fields[i], alias, value);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryDefaultAlias))]
    public void Every_default_alias_sets_its_field(string field, string alias, string raw)
    {
        var e = Accepted(Wire.Event((field, null), (alias, raw)));

        string actual = field switch
        {
            "id" => e.Id,
            "timestamp" => e.Timestamp.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            "severity" => e.Severity.ToString(),
            "service" => e.Service,
            "message" => e.Message,
            "host" => e.Host!,
            "trace_id" => e.TraceId!,
            _ => e.SpanId!,
        };
        Assert.Equal(field switch
        {
            "timestamp" => "2026-11-22T09:00:00.0000000+00:00",
            "severity" => "Warn",
            _ => raw.Trim('"'),
        }, actual);
        Assert.Empty(e.Attributes);
    }

    [Fact]
    public void The_default_alias_list_is_the_documented_one()
    {
        var aliases = FieldMapping.Default.Aliases;

        Assert.Equal(["event.id"], aliases["id"]);
        Assert.Empty(aliases["tenant_id"]);
        Assert.Equal(["@timestamp", "ts", "time"], aliases["timestamp"]);
        Assert.Equal(["level", "lvl", "log.level", "severity_text", "SeverityText", "severityText", "severity_number", "SeverityNumber", "severityNumber"], aliases["severity"]);
        Assert.Equal(["source", "app", "service.name"], aliases["service"]);
        Assert.Equal(["msg", "body", "Body"], aliases["message"]);
        Assert.Equal(["hostname", "host.name"], aliases["host"]);
        Assert.Equal(["trace.id", "traceId", "TraceId"], aliases["trace_id"]);
        Assert.Equal(["span.id", "spanId", "SpanId"], aliases["span_id"]);
        Assert.Equal(".", FieldMapping.Default.Separator);
    }

    [Theory]
    [InlineData("""{"tenant_id":"t","message":"m","severity":"info","service":"canonical","source":"alias"}""")]
    [InlineData("""{"tenant_id":"t","message":"m","source":"alias","severity":"info","service":"canonical"}""")]
    public void The_canonical_name_wins_over_an_alias_wherever_it_comes_and_the_alias_becomes_an_attribute(string payload)
    {
        var e = Accepted(payload);

        Assert.Equal("canonical", e.Service);
        Assert.Equal([new("source", "alias")], e.Attributes);
    }

    [Theory]
    [InlineData("""{"tenant_id":"t","message":"m","service":"s","lvl":"debug","level":"error","log.level":"warn"}""")]
    [InlineData("""{"tenant_id":"t","message":"m","service":"s","level":"error","log.level":"warn","lvl":"debug"}""")]
    public void Between_two_aliases_the_earlier_in_precedence_wins_wherever_it_comes_and_the_others_are_kept(string payload)
    {
        var e = Accepted(payload);

        Assert.Equal(Severity.Error, e.Severity);
        Assert.Equal(["log.level", "lvl"], e.Attributes.Select(a => a.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_losing_alias_with_a_value_its_field_would_refuse_is_still_kept_as_an_attribute()
    {
        var e = Accepted("""{"tenant_id":"t","message":"m","service":"s","ts":1700000000,"timestamp":"2026-11-22T09:00:00Z","severity":"info"}""");

        Assert.Equal([new("ts", "1700000000")], e.Attributes);
    }

    [Fact]
    public void The_same_alias_twice_is_a_duplicate_field_named_as_sent()
    {
        var error = Assert.Single(Wire.Rejected("""{"tenant_id":"t","message":"m","service":"s","level":"info","level":"warn"}"""));

        Assert.Equal(("level", "duplicate field level: each field may appear only once"), (error.Field, error.Message));
    }

    [Fact]
    public void Errors_in_an_alias_name_the_field_as_sent()
    {
        var error = Assert.Single(Wire.Rejected("""{"tenant_id":"t","message":"m","service":"s","level":"loud"}"""));

        Assert.Equal("level", error.Field);
        Assert.StartsWith("level \"loud\" is not recognized", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_field_names_its_aliases()
    {
        var error = Assert.Single(Wire.Rejected("""{"tenant_id":"t","message":"m","service":"s"}"""));

        Assert.Equal("severity", error.Field);
        Assert.StartsWith("severity is required (also read from level, lvl, log.level", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Escaped_alias_names_are_recognized()
    {
        Assert.Equal(Severity.Warn, Accepted("""{"tenant_id":"t","message":"m","service":"s","\u006cevel":"warn"}""").Severity);
    }

    [Fact]
    public void Aliases_match_only_top_level_names_and_case_exactly()
    {
        var e = Accepted("""{"tenant_id":"t","message":"m","service":"s","severity":"info","log":{"level":"error"},"Level":"x"}""");

        Assert.Equal(Severity.Info, e.Severity);
        Assert.Equal([new("log.level", "error"), new("Level", "x")], e.Attributes);
    }

    [Fact]
    public void Nested_objects_are_flattened_with_the_separator_arrays_kept_as_compact_json_and_nulls_skipped()
    {
        var e = Accepted("""{"tenant_id":"t","message":"m","service":"s","severity":"info","http":{"req":{"method":"GET","n":null},"status":200,"ok":true},"tags":[ "a" , 2 ],"gone":null,"attributes":{"k":{"x":1.50}}}""");

        Assert.Equal(
            [new("http.req.method", "GET"), new("http.status", "200"), new("http.ok", "true"), new("tags", "[\"a\",2]"), new("k.x", "1.50")],
            e.Attributes);
    }

    [Fact]
    public void Unknown_fields_count_against_the_attribute_limit_and_the_event_is_rejected_with_the_total()
    {
        var fields = string.Concat(Enumerable.Range(0, 43).Select(i => $",\"u{i}\":{i}"));
        var attributes = "{" + string.Join(",", Enumerable.Range(0, 20).Select(i => $"\"a{i}\":\"v\"")) + "}";
        var payload = "{\"tenant_id\":\"t\",\"message\":\"m\",\"service\":\"s\",\"severity\":\"info\",\"attributes\":" + attributes
            + fields + ",\"nested\":{\"a\":1,\"b\":{\"c\":2,\"d\":3}}}";

        var error = Assert.Single(Wire.Rejected(payload));

        Assert.Equal("attributes", error.Field);
        // 20 in the attributes object, 43 unknown fields, 3 leaves of the nested object.
        Assert.StartsWith("attributes has 66 entries; limit is 64 (Ingest:MaxAttributes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_field_that_repeats_an_attribute_key_is_a_duplicate()
    {
        var error = Assert.Single(Wire.Rejected(Wire.Event(("attributes", "{\"env\":\"a\"}"), ("env", "\"b\""))));

        Assert.Equal(("env", "duplicate attribute key \"env\""), (error.Field, error.Message));
    }

    [Fact]
    public void A_flattened_key_longer_than_the_key_limit_is_rejected()
    {
        var payload = Wire.Event("outer", "{" + Wire.Quote(new string('k', 125)) + ":{\"inner\":1}}");

        var error = Assert.Single(Wire.Rejected(payload));

        Assert.Equal("$", error.Field);
        Assert.Contains("is 131 characters; limit is 128 (Ingest:MaxAttributeKeyLength)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_array_longer_than_the_value_limit_as_json_text_is_rejected()
    {
        var payload = Wire.Event("list", "[" + string.Join(",", Enumerable.Repeat("\"" + new string('x', 100) + "\"", 45)) + "]");

        var error = Assert.Single(Wire.Rejected(payload));

        Assert.Equal("list", error.Field);
        Assert.Contains("bytes as JSON text; limit is 4096 (Ingest:MaxAttributeValueBytes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pipelines_aliases_come_after_the_defaults_and_its_separator_joins_nested_keys()
    {
        var mapping = FieldMapping.Default.WithAliases(
            new Dictionary<string, IReadOnlyList<string>> { ["severity"] = ["loglevel"], ["tenant_id"] = ["tenant"], ["service"] = ["component"] }, "_");

        var e = Accepted("""{"tenant":"acme","component":"c","loglevel":"warn","level":"error","message":"m","k8s":{"pod":"p-1"}}""", mapping);

        Assert.Equal(("acme", "c", Severity.Error), (e.TenantId, e.Service, e.Severity));
        Assert.Equal([new("loglevel", "warn"), new("k8s_pod", "p-1")], e.Attributes);
        Assert.Equal(["level", "lvl", "log.level", "severity_text", "SeverityText", "severityText", "severity_number", "SeverityNumber", "severityNumber", "loglevel"],
            mapping.Aliases["severity"]);
    }

    [Fact]
    public void A_reloadable_reader_reads_each_payload_with_the_mapping_current_when_the_read_starts()
    {
        var current = FieldMapping.Default;
        var reader = LogEventReader.Reloadable(LogEventLimits.Default, () => current);
        var payload = """{"tenant_id":"t","component":"c","severity":"info","message":"m"}"""u8.ToArray();

        var before = reader.Read(payload, PayloadFormat.Json, Wire.ReceivedAt);
        current = FieldMapping.Default.WithAliases(new Dictionary<string, IReadOnlyList<string>> { ["service"] = ["component"] }, ".");
        var after = reader.Read(payload, PayloadFormat.Json, Wire.ReceivedAt);

        Assert.Equal("service", Assert.Single(Assert.Single(before.Rejected).Errors).Field);
        Assert.Equal("c", Assert.Single(after.Accepted).Service);
        Assert.Same(current, reader.Mapping);
    }

    [Fact]
    public void A_pipeline_may_take_a_default_alias_for_another_field()
    {
        var mapping = FieldMapping.Default.WithAliases(new Dictionary<string, IReadOnlyList<string>> { ["host"] = ["source"] }, ".");

        var e = Accepted("""{"tenant_id":"t","service":"s","severity":"info","message":"m","source":"node-7"}""", mapping);

        Assert.Equal("node-7", e.Host);
        Assert.DoesNotContain("source", mapping.Aliases["service"]);
    }

    [Theory]
    [InlineData("colour", "x", ".", "fields.colour", "not a field that can have aliases")]
    [InlineData("attributes", "x", ".", "fields.attributes", "not a field that can have aliases")]
    [InlineData("severity", "", ".", "fields.severity[0]", "must not be empty")]
    [InlineData("severity", "message", ".", "fields.severity[0]", "is a field name of LogEvent v1")]
    [InlineData("severity", "a\nb", ".", "fields.severity[0]", "without control characters")]
    [InlineData("severity", "x", "", "separator", "separator must not be empty")]
    [InlineData("severity", "x", "--------+", "separator", "separator is 9 characters; limit is 8")]
    [InlineData("severity", "x", "\t", "separator", "must not contain control characters")]
    public void Invalid_pipeline_aliases_are_reported_with_a_path_and_refused(string field, string alias, string separator, string path, string fragment)
    {
        var extra = new Dictionary<string, IReadOnlyList<string>> { [field] = [alias] };

        var error = Assert.Single(FieldMapping.Validate(extra, separator));

        Assert.Equal(path, error.Field);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => FieldMapping.Default.WithAliases(extra, separator));
    }

    [Fact]
    public void One_name_for_two_fields_is_refused()
    {
        var extra = new Dictionary<string, IReadOnlyList<string>> { ["severity"] = ["x"], ["service"] = ["x"] };

        var error = Assert.Single(FieldMapping.Validate(extra, "."));

        Assert.Equal("fields.service[0]", error.Field);
        Assert.Contains("already an alias of severity", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alias_longer_than_the_limit_is_refused()
    {
        var extra = new Dictionary<string, IReadOnlyList<string>> { ["severity"] = [new string('a', FieldMapping.MaxAliasBytes + 1)] };

        Assert.Contains("limit is 128", Assert.Single(FieldMapping.Validate(extra, ".")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Events_of_one_payload_with_aliases_out_of_order_are_each_read_right()
    {
        // The second event makes the reader start it again (severity after level); the first and third must not be affected.
        var result = Read("""
            [{"tenant_id":"t","service":"s","level":"warn","message":"a"},
             {"tenant_id":"t","service":"s","level":"warn","message":"b","severity":"error","x":1},
             {"tenant_id":"t","service":"s","level":"debug","message":"c"}]
            """);

        Assert.Equal([Severity.Warn, Severity.Error, Severity.Debug], result.Accepted.Select(e => e.Severity));
        Assert.Equal([new("level", "warn"), new("x", "1")], result.Accepted[1].Attributes);
    }
}
