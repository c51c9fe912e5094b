using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("Horizontal autoscaling of the aggregator. While enabled the operator no longer sets the Deployment's spec.replicas (replicas is ignored). Without backlog it renders a HorizontalPodAutoscaler (autoscaling/v2) on the CPU and memory targets; with backlog it renders a KEDA ScaledObject instead (KEDA creates and owns the HorizontalPodAutoscaler), scaling on the broker's backlog and on the CPU and memory targets if set. CPU and memory targets are utilisation of the app container's requests (the Dapr sidecar's usage is not counted).")]
[CelRule("!self.enabled || has(self.targetCPUUtilizationPercentage) || has(self.targetMemoryUtilizationPercentage) || has(self.backlog)", "autoscaling needs something to scale on: targetCPUUtilizationPercentage, targetMemoryUtilizationPercentage or backlog", FieldPath = ".enabled")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class AggregatorAutoscalingSpec : AutoscalingSpec
{
    [Description("Scale on the broker's backlog with a KEDA ScaledObject (keda.sh/v1alpha1; KEDA 2.x must be installed in the cluster): Kafka consumer-group lag, Redis Streams consumer-group lag (Redis 7 or later), or JetStream consumer pending messages.")]
    public BacklogScalingSpec? Backlog { get; set; }
}
