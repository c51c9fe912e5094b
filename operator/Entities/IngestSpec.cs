using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("The ingest workload.")]
[CelRule("!has(self.autoscaling) || !self.autoscaling.enabled || !has(self.autoscaling.targetCPUUtilizationPercentage) || (has(self.resources.requests) && 'cpu' in self.resources.requests)", "ingest.autoscaling.targetCPUUtilizationPercentage needs ingest.resources.requests.cpu: utilisation is measured against the request", FieldPath = ".autoscaling.targetCPUUtilizationPercentage")]
[CelRule("!has(self.autoscaling) || !self.autoscaling.enabled || !has(self.autoscaling.targetMemoryUtilizationPercentage) || (has(self.resources.requests) && 'memory' in self.resources.requests)", "ingest.autoscaling.targetMemoryUtilizationPercentage needs ingest.resources.requests.memory: utilisation is measured against the request", FieldPath = ".autoscaling.targetMemoryUtilizationPercentage")]
[CelRule("self.service.type == 'ClusterIP' || self.auth.enabled || self.service.allowUnauthenticated", "ingest.auth.enabled must be true when ingest.service.type is NodePort or LoadBalancer: the Service is reachable from outside the cluster and ingest without API keys accepts events from anyone (set ingest.service.allowUnauthenticated to accept that explicitly)", FieldPath = ".auth.enabled")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class IngestSpec
{
    [Description("Pod replicas. Above 1 a PodDisruptionBudget keeps one available. Ignored while autoscaling is enabled.")]
    [Range(1, 100)]
    public int Replicas { get; set; } = 2;

    [Description("Horizontal autoscaling with a HorizontalPodAutoscaler; off (replicas applies) when omitted.")]
    public IngestAutoscalingSpec? Autoscaling { get; set; }

    [Description("Container image; defaults to the operator's ingest image (ghcr.io/logdapr/ingest at the operator's version).")]
    [Length(1, 512)]
    public string? Image { get; set; }

    [Description("Image pull policy.")]
    public PullPolicy ImagePullPolicy { get; set; } = PullPolicy.IfNotPresent;

    [Description("Labels, annotations, scheduling (nodeSelector, tolerations, affinity, topologySpreadConstraints, priorityClassName) and imagePullSecrets of the pods.")]
    public PodSettingsSpec? Pod { get; set; }

    [Description("Resources of the ingest container.")]
    public ResourcesSpec Resources { get; set; } = ResourcesSpec.AppDefaults();

    [Description("Resources of the Dapr sidecar (dapr.io/sidecar-* annotations); the injector's defaults when omitted.")]
    public ResourcesSpec? SidecarResources { get; set; }

    [Description("The Service in front of ingest.")]
    public IngestServiceSpec Service { get; set; } = new();

    [Description("Request and event limits; a request over a limit gets a 4xx problem response.")]
    public IngestLimitsSpec Limits { get; set; } = new();

    [Description("API-key authentication.")]
    public IngestAuthSpec Auth { get; set; } = new();

    [JsonPropertyName("tls")]
    [Description("HTTPS on ingest's HTTP and OTLP/gRPC ports from a kubernetes.io/tls Secret; plain HTTP when omitted.")]
    public ServingTlsSpec? Tls { get; set; }

    [Description("Per-client rate limit, counted in events. No limit when omitted.")]
    public IngestRateLimitSpec? RateLimit { get; set; }

    /// <summary>Whether an autoscaler owns the replica count.</summary>
    public bool IsAutoscaled() => Autoscaling is { Enabled: true };

    /// <summary>The fewest replicas there can be: minReplicas while autoscaled, else replicas.</summary>
    public int FewestReplicas() => Autoscaling is { Enabled: true } autoscaling ? autoscaling.MinReplicas : Replicas;
}

public enum PullPolicy
{
    [JsonStringEnumMemberName("Always")] Always,
    [JsonStringEnumMemberName("IfNotPresent")] IfNotPresent,
    [JsonStringEnumMemberName("Never")] Never,
}

