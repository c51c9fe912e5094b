using System.ComponentModel;
using System.Text.Json.Serialization;

namespace LogDapr.Operator.Entities;

[Description("A condition, following the Kubernetes API conventions.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed class PipelineCondition
{
    [Description("Ready, Progressing or Degraded.")]
    public string Type { get; set; } = "";

    [Description("True, False or Unknown.")]
    public string Status { get; set; } = "Unknown";

    [Description("CamelCase reason for the last transition.")]
    public string? Reason { get; set; }

    [Description("Human-readable detail.")]
    public string? Message { get; set; }

    [Description("When status last changed (RFC 3339).")]
    public string? LastTransitionTime { get; set; }

    [Description("The metadata.generation this condition was computed from.")]
    public long? ObservedGeneration { get; set; }
}
