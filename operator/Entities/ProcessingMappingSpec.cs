using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("Field mapping of incoming events.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ProcessingMappingSpec
{
    [Description("Extra source names per canonical field, tried after the built-in defaults.")]
    public ProcessingMappingFieldsSpec? Fields { get; set; }

    [Description("Separator nested JSON objects are flattened into attribute keys with (default \".\").")]
    [Length(1, 8)]
    public string? Separator { get; set; }
}

[Description("Extra source names (aliases) of each canonical field.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ProcessingMappingFieldsSpec
{
    private const int MaxAliases = 16;
    private const int MaxAliasLength = 256;

    [Description("Aliases of severity.")]
    [Items(-1, MaxAliases)]
    [ItemLength(1, MaxAliasLength)]
    public List<string>? Severity { get; set; }

    [Description("Aliases of service.")]
    [Items(-1, MaxAliases)]
    [ItemLength(1, MaxAliasLength)]
    public List<string>? Service { get; set; }

    [Description("Aliases of message.")]
    [Items(-1, MaxAliases)]
    [ItemLength(1, MaxAliasLength)]
    public List<string>? Message { get; set; }

    [Description("Aliases of timestamp.")]
    [Items(-1, MaxAliases)]
    [ItemLength(1, MaxAliasLength)]
    public List<string>? Timestamp { get; set; }

    [Description("Aliases of host.")]
    [Items(-1, MaxAliases)]
    [ItemLength(1, MaxAliasLength)]
    public List<string>? Host { get; set; }

    [JsonPropertyName("tenant_id")]
    [Description("Aliases of tenant_id.")]
    [Items(-1, MaxAliases)]
    [ItemLength(1, MaxAliasLength)]
    public List<string>? TenantId { get; set; }

    [JsonPropertyName("trace_id")]
    [Description("Aliases of trace_id.")]
    [Items(-1, MaxAliases)]
    [ItemLength(1, MaxAliasLength)]
    public List<string>? TraceId { get; set; }

    [JsonPropertyName("span_id")]
    [Description("Aliases of span_id.")]
    [Items(-1, MaxAliases)]
    [ItemLength(1, MaxAliasLength)]
    public List<string>? SpanId { get; set; }

    [Description("Aliases of id.")]
    [Items(-1, MaxAliases)]
    [ItemLength(1, MaxAliasLength)]
    public List<string>? Id { get; set; }
}
