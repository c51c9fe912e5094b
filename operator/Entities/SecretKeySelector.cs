using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

/// <summary>
/// A key of a Kubernetes Secret in the pipeline's namespace. Secrets are only ever referenced: the operator
/// renders secretKeyRef entries that Dapr (components) or the kubelet (env vars) resolve, never the values.
/// </summary>
[Description("A key of a Secret in the LogPipeline's namespace.")]
public sealed class SecretKeySelector
{
    [JsonRequired]
    [Description("Name of the Secret.")]
    [Pattern(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    [Length(1, 253)]
    public string Name { get; set; } = null!;

    [JsonRequired]
    [Description("Key within the Secret's data.")]
    [Pattern(@"^[-._a-zA-Z0-9]+$")]
    [Length(1, 253)]
    public string Key { get; set; } = null!;

    public override string ToString() => $"{Name}/{Key}";
}
