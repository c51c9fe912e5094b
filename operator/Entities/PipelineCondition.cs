using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

/// <summary>
/// A condition with the schema of metav1.Condition (k8s.io/apimachinery pkg/apis/meta/v1 types.go: its required
/// fields and validation markers), so tools that read conditions generically (kubectl wait, kstatus, Argo CD) get
/// what they expect and the API server refuses a malformed one.
/// </summary>
[Description("A condition, following the Kubernetes API conventions (metav1.Condition).")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed class PipelineCondition
{
    /// <summary>metav1.Condition's type pattern: a qualified name (an optional DNS subdomain prefix and '/').</summary>
    public const string TypePattern = @"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$";

    /// <summary>metav1.Condition's reason pattern: CamelCase, also ',' ':' and '_' inside.</summary>
    public const string ReasonPattern = "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$";

    public const int ReasonMaxLength = 1024;
    public const int MessageMaxLength = 32768;

    [JsonRequired]
    [Description("Ready, Progressing, Degraded or DaprCompatible.")]
    [Length(-1, 316)]
    [Pattern(TypePattern)]
    public string Type { get; set; } = "";

    [JsonRequired]
    [Description("True, False or Unknown.")]
    [AllowedValues("True", "False", "Unknown")]
    public string Status { get; set; } = "Unknown";

    [JsonRequired]
    [Description("CamelCase reason for the condition's last transition.")]
    [Length(1, ReasonMaxLength)]
    [Pattern(ReasonPattern)]
    public string Reason { get; set; } = "";

    [JsonRequired]
    [Description("Human-readable detail.")]
    [Length(-1, MessageMaxLength)]
    public string Message { get; set; } = "";

    [JsonRequired]
    [Description("When status last changed (RFC 3339).")]
    [Format("date-time")]
    public string LastTransitionTime { get; set; } = "";

    [Description("The metadata.generation this condition was computed from.")]
    [Minimum(0)]
    public long? ObservedGeneration { get; set; }
}
