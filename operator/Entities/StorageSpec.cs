using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

/// <summary>
/// The log store: the aggregator binary in its Store role (Aggregator__Role=Store), a Deployment of its own with its
/// own Dapr app id, so its sidecar reads the logs topic in a consumer group of its own and a slow store never holds
/// back counting. The image and pull policy are the aggregator's (same binary); everything that scales or schedules
/// the pods is its own.
/// </summary>
[Description("The log store: every event kept in Postgres (table log_events, daily partitions) and searchable through GET /v1/logs on the Service <metadata.name>-store. It runs the aggregator's image in its Store role as the Deployment <metadata.name>-store, with its own Dapr app id, so it reads the logs topic in a consumer group of its own (a slow or stopped store never delays counting) and scales on its own.")]
[CelRule("!has(self.autoscaling) || !self.autoscaling.enabled || !has(self.autoscaling.targetCPUUtilizationPercentage) || (has(self.resources.requests) && 'cpu' in self.resources.requests)", "storage.autoscaling.targetCPUUtilizationPercentage needs storage.resources.requests.cpu: utilisation is measured against the request", FieldPath = ".autoscaling.targetCPUUtilizationPercentage")]
[CelRule("!has(self.autoscaling) || !self.autoscaling.enabled || !has(self.autoscaling.targetMemoryUtilizationPercentage) || (has(self.resources.requests) && 'memory' in self.resources.requests)", "storage.autoscaling.targetMemoryUtilizationPercentage needs storage.resources.requests.memory: utilisation is measured against the request", FieldPath = ".autoscaling.targetMemoryUtilizationPercentage")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class StorageSpec
{
    [Description("Whether the store is rendered. false removes the store's Deployment, Service, Subscription, archive component and autoscaling objects (the table and its rows stay in Postgres); retention of counts and dead letters still applies to the aggregator.")]
    public bool Enabled { get; set; } = true;

    [Description("Pod replicas (competing consumers in the store's consumer group). Above 1 a PodDisruptionBudget keeps one available. Ignored while autoscaling is enabled.")]
    [Range(1, 100)]
    public int Replicas { get; set; } = 1;

    [Description("Horizontal autoscaling, as spec.aggregator.autoscaling: a HorizontalPodAutoscaler on CPU and memory, or a KEDA ScaledObject on the backlog of the store's own consumer group (<metadata.name>-store); off (replicas applies) when omitted.")]
    public AggregatorAutoscalingSpec? Autoscaling { get; set; }

    [Description("Labels, annotations, scheduling (nodeSelector, tolerations, affinity, topologySpreadConstraints, priorityClassName) and imagePullSecrets of the store's pods.")]
    public PodSettingsSpec? Pod { get; set; }

    [Description("Resources of the store container.")]
    public ResourcesSpec Resources { get; set; } = ResourcesSpec.AppDefaults();

    [Description("Resources of the store's Dapr sidecar; the injector's defaults when omitted.")]
    public ResourcesSpec? SidecarResources { get; set; }

    [Description("How long events, counts and dead letters are kept, with per-tenant overrides. The store applies eventsDays (dropping daily partitions, archived first when archive is set); the aggregator applies countsDays and deadLettersDays.")]
    public RetentionSpec Retention { get; set; } = new();

    [Description("Archive each day's events (per tenant, gzip NDJSON and a manifest) to an object store through the Dapr output binding <metadata.name>-archive before its partition is dropped; no archive when omitted.")]
    public ArchiveSpec? Archive { get; set; }

    /// <summary>Whether an autoscaler owns the replica count.</summary>
    public bool IsAutoscaled() => Autoscaling is { Enabled: true };

    /// <summary>The most replicas there can be: maxReplicas while autoscaled, else replicas.</summary>
    public int MostReplicas() => Autoscaling is { Enabled: true } autoscaling ? autoscaling.MaxReplicas : Replicas;

    /// <summary>The fewest replicas there can be: minReplicas while autoscaled, else replicas.</summary>
    public int FewestReplicas() => Autoscaling is { Enabled: true } autoscaling ? autoscaling.MinReplicas : Replicas;
}
