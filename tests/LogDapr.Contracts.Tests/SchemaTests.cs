using System.Reflection;
using System.Text.Json;
using LogDapr.Contracts.CloudEvents;
using LogDapr.Contracts.Events;
using LogDapr.Contracts.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Contracts.Tests;

public class SchemaTests
{
    private static readonly JsonDocument Schema = JsonDocument.Parse(LogEventSchema.Utf8Json);
    private static JsonElement Root => Schema.RootElement;
    private static JsonElement Property(string name) => Root.GetProperty("properties").GetProperty(name);

    private static bool SchemaAccepts(string eventJson)
    {
        using var doc = JsonDocument.Parse(eventJson);
        return LogEventJsonSchema.Accepts(doc.RootElement);
    }

    private static bool ReaderAccepts(string eventJson)
    {
        var result = Wire.Read(eventJson);
        Assert.Null(result.Error);
        return result.Accepted.Count == 1;
    }

    [Fact]
    public void The_schema_is_draft_2020_12_with_the_published_id()
    {
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", Root.GetProperty("$schema").GetString());
        Assert.Equal(CloudEventTypes.DataSchema, Root.GetProperty("$id").GetString());
        Assert.Equal(LogEventSchema.Id, Root.GetProperty("$id").GetString());
        Assert.Equal(LogEventSchema.Json, System.Text.Encoding.UTF8.GetString(LogEventSchema.Utf8Json.Span));
    }

    [Fact]
    public void The_embedded_schema_is_the_file_in_the_repository()
    {
        var file = Repository.Path("services", "contracts", "JsonSchemas", "logevent-v1.schema.json");
        Assert.True(File.Exists(file), file);
        Assert.Equal(File.ReadAllText(file), LogEventSchema.Json);
    }

    [Fact]
    public void The_schema_declares_exactly_the_fields_the_reader_knows()
    {
        var known = typeof(LogEventFields).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name is not (nameof(LogEventFields.Events) or nameof(LogEventFields.WholeEvent)))
            .Select(f => (string)f.GetValue(null)!);

        Assert.Equal(known.Order(), Root.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
        // Unknown fields become attributes, so they follow the attribute value rules.
        Assert.Equal(
            Property("attributes").GetProperty("additionalProperties").GetProperty("type").EnumerateArray().Select(t => t.GetString()),
            Root.GetProperty("additionalProperties").GetProperty("type").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public void The_schema_stands_alone_without_references_so_it_can_be_embedded_in_openapi_documents()
    {
        Assert.DoesNotContain("$ref", LogEventSchema.Json, StringComparison.Ordinal);
        Assert.DoesNotContain("$defs", LogEventSchema.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void Required_fields_are_the_ones_the_reader_requires()
    {
        var requiredByReader = Wire.BaseFields.Select(f => f.Name)
            .Concat(Root.GetProperty("properties").EnumerateObject().Select(p => p.Name))
            .Distinct()
            .Where(name => Wire.Read(Wire.Event(name, null)).Rejected.Any(r => r.Errors.Any(e => e.Message.StartsWith($"{name} is required", StringComparison.Ordinal))));

        Assert.Equal(requiredByReader.Order(), Root.GetProperty("required").EnumerateArray().Select(e => e.GetString()!).Order());
    }

    [Fact]
    public void The_severity_enum_is_every_keyword_the_reader_accepts()
    {
        var branches = Property("severity").GetProperty("oneOf").EnumerateArray().ToList();
        var keywords = branches.Single(b => b.TryGetProperty("enum", out _)).GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToList();

        Assert.Equal(SeverityNames.Keywords.Order(), keywords.Order());
        Assert.All(keywords, k => Assert.True(SeverityNames.TryParse(k, out _), k));
        Assert.Subset(keywords.ToHashSet(), SeverityNames.WireNames.ToHashSet());

        var numbers = branches.Single(b => b.GetProperty("type").GetString() == "integer");
        Assert.Equal(1, numbers.GetProperty("minimum").GetInt32());
        Assert.Equal(24, numbers.GetProperty("maximum").GetInt32());
    }

    [Fact]
    public void Every_severity_the_reader_accepts_matches_exactly_one_branch_and_nothing_else_does()
    {
        var candidates = SeverityNames.Keywords
            .SelectMany(k => new[] { k, k.ToUpperInvariant(), char.ToUpperInvariant(k[0]) + k[1..], k + "s", " " + k })
            .Concat(Enumerable.Range(-2, 30).SelectMany(n => new[] { $"\"{n}\"", $"\"0{n}\"", $"\"syslog:{n}\"", $"\"SysLog:{n}\"" }))
            .Select(s => s.StartsWith('"') ? s : Wire.Quote(s))
            .Concat(Enumerable.Range(-2, 30).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Concat(["3.5", "2.5e1", "true", "null", "\"\""]);

        foreach (var raw in candidates)
        {
            string doc = Wire.Event("severity", raw);
            Assert.True(ReaderAccepts(doc) == SchemaAccepts(doc), $"severity {raw}: reader {ReaderAccepts(doc)}, schema {SchemaAccepts(doc)}");
        }
    }

    [Theory]
    [InlineData("3.0")]
    [InlineData("1e1")]
    [InlineData("2.4e1")]
    [InlineData("1.0e0")]
    public void Integral_numbers_written_with_a_fraction_or_exponent_are_refused_although_json_schema_calls_them_integers(string raw)
    {
        string doc = Wire.Event("severity", raw);

        Assert.False(ReaderAccepts(doc));
        Assert.True(SchemaAccepts(doc));
        Assert.Contains("fraction or exponent", Property("severity").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_in_the_schema_are_the_default_limits()
    {
        var limits = LogEventLimits.Default;
        Assert.Equal(limits.MaxIdLength, Property("id").GetProperty("maxLength").GetInt32());
        Assert.Equal(limits.MaxTenantIdLength, Property("tenant_id").GetProperty("maxLength").GetInt32());
        Assert.Equal(limits.MaxServiceLength, Property("service").GetProperty("maxLength").GetInt32());
        Assert.Equal(limits.MaxHostLength, Property("host").GetProperty("maxLength").GetInt32());
        Assert.Equal(limits.MaxMessageBytes, Property("message").GetProperty("maxLength").GetInt32());
        var attributes = Property("attributes");
        Assert.Equal(limits.MaxAttributes, attributes.GetProperty("maxProperties").GetInt32());
        Assert.Equal(limits.MaxAttributeKeyLength, attributes.GetProperty("propertyNames").GetProperty("maxLength").GetInt32());
        Assert.Equal(limits.MaxAttributeValueBytes, attributes.GetProperty("additionalProperties").GetProperty("maxLength").GetInt32());
        Assert.Equal(limits.MaxAttributeValueBytes, Root.GetProperty("additionalProperties").GetProperty("maxLength").GetInt32());
        Assert.Equal(limits.MaxAttributeKeyLength, Root.GetProperty("propertyNames").GetProperty("maxLength").GetInt32());
    }

    [Theory]
    [MemberData(nameof(FieldCases.Valid), MemberType = typeof(FieldCases))]
    public void The_schema_accepts_what_the_reader_accepts(string field, string? raw, string expected)
    {
        _ = expected;
        string doc = Wire.Event(field, raw);

        Assert.True(ReaderAccepts(doc));
        Assert.True(SchemaAccepts(doc));
    }

    [Theory]
    [MemberData(nameof(FieldCases.Invalid), MemberType = typeof(FieldCases))]
    public void The_schema_rejects_what_the_reader_rejects_where_json_schema_can_say_so(
        string field, string? raw, string errorField, string fragment, bool schemaCanExpress)
    {
        _ = (errorField, fragment);
        string doc = Wire.Event(field, raw);

        Assert.False(ReaderAccepts(doc));
        // The rules the schema cannot express (listed in its description) must really be missing from it, so that
        // the flag in the table cannot hide a real disagreement.
        Assert.Equal(!schemaCanExpress, SchemaAccepts(doc));
    }

    [Fact]
    public void Sample_documents_get_the_same_verdict_from_schema_and_reader()
    {
        string[] samples =
        [
            """{"tenant_id":"acme","service":"api","severity":"info","message":"m"}""",
            """{"id":"1","tenant_id":"a.b-c_d","timestamp":"2026-11-22T10:00:00.123456Z","severity":"Warning","service":"api","message":"","attributes":{"a":"1","b":2,"c":true},"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","host":"h"}""",
            """{"id":null,"tenant_id":"acme","timestamp":null,"severity":21,"service":"api","message":"m","attributes":null,"trace_id":null,"span_id":null,"host":null}""",
            """{"tenant_id":"acme","service":"api","severity":"syslog:3","message":"m","extra":{"anything":[1,2,3]}}""",
            """{"tenant_id":"acme","service":"api","severity":"info"}""",
            """{"tenant_id":"acme","service":"api","severity":"info","message":"m","attributes":{"a":[1]}}""",
            """{"tenant_id":"acme","service":"api","severity":"info","message":"m","attributes":{"a":1.5e300}}""",
            """{"tenant_id":"acme","service":"api","severity":"info","message":"m","timestamp":"2026-11-22T10:00:00+02:00"}""",
            """{"tenant_id":"acme","service":"api","severity":"info","message":"m","timestamp":"2026-11-22T10:00:00"}""",
            """{"tenant_id":"acme","service":" \u2028 ","severity":"info","message":"m"}""",
            """{"tenant_id":"acme","service":"api","severity":"INFO","message":"m","span_id":"00F067AA0BA902B7"}""",
        ];

        foreach (var doc in samples)
        {
            Assert.True(ReaderAccepts(doc) == SchemaAccepts(doc), doc);
        }
    }
}
