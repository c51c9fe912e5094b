using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s.Models;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

/// <summary>
/// Autoscaling of a workload. While on, the operator renders the autoscaler and leaves the Deployment's
/// spec.replicas out of what it applies, so the replica count the autoscaler (or kubectl scale) sets is kept:
/// with server-side apply a field the operator applies is one it owns and resets on every reconcile.
/// </summary>
[Description("Horizontal autoscaling. While enabled the operator renders a HorizontalPodAutoscaler (autoscaling/v2) and no longer sets the Deployment's spec.replicas, so replicas is ignored and the autoscaler (or kubectl scale) owns the replica count. CPU and memory targets are utilisation of the app container's requests (a ContainerResource metric: the Dapr sidecar's usage is not counted).")]
[CelRule("self.minReplicas <= self.maxReplicas", "autoscaling.minReplicas must not exceed autoscaling.maxReplicas", FieldPath = ".minReplicas")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public class AutoscalingSpec
{
    [Description("Whether the autoscaler is rendered; false keeps the settings but goes back to spec.replicas.")]
    public bool Enabled { get; set; } = true;

    [Description("Fewest replicas.")]
    [Range(1, 100)]
    public int MinReplicas { get; set; } = 2;

    [Description("Most replicas.")]
    [Range(1, 100)]
    public int MaxReplicas { get; set; } = 10;

    [JsonPropertyName("targetCPUUtilizationPercentage")]
    [Description("Average CPU use of the app container, in percent of its CPU request (resources.requests.cpu, which must be set).")]
    [Range(1, 1000)]
    public int? TargetCpuUtilizationPercentage { get; set; }

    [Description("Average memory use of the app container, in percent of its memory request (resources.requests.memory, which must be set).")]
    [Range(1, 1000)]
    public int? TargetMemoryUtilizationPercentage { get; set; }

    [Description("Scale-up and scale-down behavior, as in a HorizontalPodAutoscaler's spec.behavior (stabilization windows and rate policies); the Kubernetes defaults when omitted.")]
    public V2HorizontalPodAutoscalerBehavior? Behavior { get; set; }
}
