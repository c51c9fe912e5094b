using System.Text.Json.Serialization;

namespace LogDapr.Operator.Entities;

/// <summary>
/// The part of Kubernetes object metadata the operator reads. Not k8s.Models.V1ObjectMeta: that type needs the
/// client's own JSON converters, and the LogPipeline types are parsed with one strict set of options.
/// Fields the operator does not use are skipped (the API server adds many, e.g. managedFields).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed class ObjectMeta
{
    public string Name { get; set; } = "";

    public string? Namespace { get; set; }

    public string? Uid { get; set; }

    public string? ResourceVersion { get; set; }

    public long? Generation { get; set; }

    public string? CreationTimestamp { get; set; }

    public string? DeletionTimestamp { get; set; }

    public Dictionary<string, string>? Labels { get; set; }

    public Dictionary<string, string>? Annotations { get; set; }
}
