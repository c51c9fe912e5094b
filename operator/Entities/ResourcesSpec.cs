using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;
using LogDapr.Operator.Serialization;

namespace LogDapr.Operator.Entities;

[Description("Compute resources, as in a container's resources (quantities such as 100m, 256Mi).")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ResourcesSpec
{
    [Description("Guaranteed resources.")]
    [QuantityMap]
    [JsonConverter(typeof(QuantityMapConverter))]
    public Dictionary<string, string>? Requests { get; set; }

    [Description("Upper bounds.")]
    [QuantityMap]
    [JsonConverter(typeof(QuantityMapConverter))]
    public Dictionary<string, string>? Limits { get; set; }

    internal static ResourcesSpec AppDefaults() => new()
    {
        Requests = new() { ["cpu"] = "100m", ["memory"] = "128Mi" },
        Limits = new() { ["memory"] = "512Mi" },
    };
}
