using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

/// <summary>
/// Central processing (issue 14): the aggregator binary in its Processor role (Aggregator__Role=Processor) as a
/// Deployment of its own, between the raw topic and the counter and store. The rule fields (mapping, enrichment,
/// transforms, redaction, limits) are the rules document the processor reads, written by the operator into a
/// ConfigMap unchanged; the other fields are the operator's (they say how the processor runs, not what it does).
/// The operator checks only the shape; what an expression or a regex means is the processing library's to judge.
/// </summary>
[Description("Central processing of every event before it is counted and stored: field mapping, enrichment from host/service metadata, transforms (rename, copy, remove, set, drop, sample) and redaction of secrets and personal data. It runs the aggregator's image in its Processor role as the Deployment <metadata.name>-processor, which reads pubsub.topic and publishes each processed event, with the same CloudEvent id, to <pubsub.topic>-processed, which the aggregator and the store then read. The rules (every field but enabled, replicas, resources, sidecarResources, pod and redaction.hashKeySecretRef) are written to the ConfigMap <metadata.name>-processing; a change rolls the processor's pods. No processing (as before) when omitted.")]
[CelRule("!has(self.autoscaling) || !self.autoscaling.enabled || !has(self.autoscaling.targetCPUUtilizationPercentage) || (has(self.resources.requests) && 'cpu' in self.resources.requests)", "processing.autoscaling.targetCPUUtilizationPercentage needs processing.resources.requests.cpu: utilisation is measured against the request", FieldPath = ".autoscaling.targetCPUUtilizationPercentage")]
[CelRule("!has(self.autoscaling) || !self.autoscaling.enabled || !has(self.autoscaling.targetMemoryUtilizationPercentage) || (has(self.resources.requests) && 'memory' in self.resources.requests)", "processing.autoscaling.targetMemoryUtilizationPercentage needs processing.resources.requests.memory: utilisation is measured against the request", FieldPath = ".autoscaling.targetMemoryUtilizationPercentage")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ProcessingSpec
{
    [Description("Whether the processor runs. false renders the pipeline as if spec.processing were omitted: the aggregator and the store read pubsub.topic directly.")]
    public bool Enabled { get; set; } = true;

    [Description("Processor pod replicas (competing consumers in the processor's consumer group). Above 1 a PodDisruptionBudget keeps one available. Ignored while autoscaling is enabled.")]
    [Range(1, 100)]
    public int Replicas { get; set; } = 1;

    [Description("Horizontal autoscaling, as spec.aggregator.autoscaling: a HorizontalPodAutoscaler on CPU and memory, or a KEDA ScaledObject on the backlog of the processor's own consumer group (<metadata.name>-processor) on pubsub.topic; off (replicas applies) when omitted.")]
    public AggregatorAutoscalingSpec? Autoscaling { get; set; }

    [Description("Labels, annotations, scheduling (nodeSelector, tolerations, affinity, topologySpreadConstraints, priorityClassName) and imagePullSecrets of the processor's pods.")]
    public PodSettingsSpec? Pod { get; set; }

    [Description("Resources of the processor container.")]
    public ResourcesSpec Resources { get; set; } = ResourcesSpec.AppDefaults();

    [Description("Resources of the processor's Dapr sidecar; the injector's defaults when omitted.")]
    public ResourcesSpec? SidecarResources { get; set; }

    [Description("Extra source names per canonical field, tried after the built-in ones (level, msg, @timestamp, ...), and the separator nested objects are flattened with.")]
    public ProcessingMappingSpec? Mapping { get; set; }

    [Description("Attributes added from the metadata kept for the event's host (host.<key>) and service (service.<key>).")]
    public ProcessingEnrichmentSpec? Enrichment { get; set; }

    [Description("Transforms applied in order after enrichment; each has exactly one action and an optional condition (when).")]
    [Items(-1, 1000)]
    public List<ProcessingTransformSpec>? Transforms { get; set; }

    [Description("Redaction of secrets and personal data in the message and attribute values, after the transforms.")]
    public RedactionSpec? Redaction { get; set; }

    [Description("Size limits applied last.")]
    public ProcessingLimitsSpec? Limits { get; set; }

    /// <summary>Whether an autoscaler owns the replica count.</summary>
    public bool IsAutoscaled() => Autoscaling is { Enabled: true };

    /// <summary>The most replicas there can be: maxReplicas while autoscaled, else replicas.</summary>
    public int MostReplicas() => Autoscaling is { Enabled: true } autoscaling ? autoscaling.MaxReplicas : Replicas;

    /// <summary>The fewest replicas there can be: minReplicas while autoscaled, else replicas.</summary>
    public int FewestReplicas() => Autoscaling is { Enabled: true } autoscaling ? autoscaling.MinReplicas : Replicas;

    /// <summary>Whether a processor is rendered: the section is present and not switched off.</summary>
    public static bool IsOn(LogPipelineSpec spec) => spec.Processing is { Enabled: true };
}
