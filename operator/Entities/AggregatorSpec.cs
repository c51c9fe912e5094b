using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("The aggregator workload.")]
[CelRule("!has(self.autoscaling) || !self.autoscaling.enabled || !has(self.autoscaling.targetCPUUtilizationPercentage) || (has(self.resources.requests) && 'cpu' in self.resources.requests)", "aggregator.autoscaling.targetCPUUtilizationPercentage needs aggregator.resources.requests.cpu: utilisation is measured against the request", FieldPath = ".autoscaling.targetCPUUtilizationPercentage")]
[CelRule("!has(self.tls) || self.tls.clientCertificates != 'Required'", "aggregator.tls.clientCertificates cannot be Required: daprd delivers subscriptions on the same port and presents no client certificate; use Optional (certificates or API keys)", FieldPath = ".tls.clientCertificates")]
[CelRule("!has(self.autoscaling) || !self.autoscaling.enabled || !has(self.autoscaling.targetMemoryUtilizationPercentage) || (has(self.resources.requests) && 'memory' in self.resources.requests)", "aggregator.autoscaling.targetMemoryUtilizationPercentage needs aggregator.resources.requests.memory: utilisation is measured against the request", FieldPath = ".autoscaling.targetMemoryUtilizationPercentage")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class AggregatorSpec
{
    [Description("Pod replicas (competing consumers of the topic). Above 1 a PodDisruptionBudget keeps one available. Ignored while autoscaling is enabled.")]
    [Range(1, 100)]
    public int Replicas { get; set; } = 1;

    [Description("Horizontal autoscaling: a HorizontalPodAutoscaler on CPU and memory, or a KEDA ScaledObject on the broker's backlog; off (replicas applies) when omitted.")]
    public AggregatorAutoscalingSpec? Autoscaling { get; set; }

    [Description("Container image; defaults to the operator's aggregator image (ghcr.io/logdapr/aggregator at the operator's version).")]
    [Length(1, 512)]
    public string? Image { get; set; }

    [Description("Image pull policy.")]
    public PullPolicy ImagePullPolicy { get; set; } = PullPolicy.IfNotPresent;

    [Description("Labels, annotations, scheduling (nodeSelector, tolerations, affinity, topologySpreadConstraints, priorityClassName) and imagePullSecrets of the pods.")]
    public PodSettingsSpec? Pod { get; set; }

    [Description("Resources of the aggregator container.")]
    public ResourcesSpec Resources { get; set; } = ResourcesSpec.AppDefaults();

    [Description("Resources of the Dapr sidecar; the injector's defaults when omitted.")]
    public ResourcesSpec? SidecarResources { get; set; }

    [Description("Width of a metrics bucket in seconds.")]
    [Range(1, 3600)]
    public int BucketWidthSeconds { get; set; } = 60;

    [Description("Dapr bulk subscribe settings of the logs subscription.")]
    public BulkSubscribeSpec BulkSubscribe { get; set; } = new();

    [Description("Dapr app health checks: deliveries pause while the aggregator is unhealthy.")]
    public AppHealthCheckSpec AppHealthCheck { get; set; } = new();

    [Description("Secret holding the Dapr app token under the key \"token\" (the key Dapr's sidecar injector reads for dapr.io/app-token-secret). The aggregator's sidecar sends it as dapr-api-token on every call to the aggregator, which gets the same key as APP_API_TOKEN and refuses /dapr/* without it. When omitted the operator creates <metadata.name>-app-token with a random token, owned by this LogPipeline and never overwritten once created.")]
    [Pattern(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    [Length(1, 253)]
    public string? AppTokenSecretName { get; set; }

    [JsonPropertyName("tls")]
    [Description("HTTPS on the port of every aggregator role (counter, store, processor, router: the query APIs, health and metrics, and the Dapr app channel, which daprd then speaks HTTPS on) from a kubernetes.io/tls Secret; plain HTTP when omitted.")]
    public ServingTlsSpec? Tls { get; set; }

    /// <summary>Whether an autoscaler owns the replica count.</summary>
    public bool IsAutoscaled() => Autoscaling is { Enabled: true };

    /// <summary>The most replicas there can be: maxReplicas while autoscaled, else replicas.</summary>
    public int MostReplicas() => Autoscaling is { Enabled: true } autoscaling ? autoscaling.MaxReplicas : Replicas;

    /// <summary>The fewest replicas there can be: minReplicas while autoscaled, else replicas.</summary>
    public int FewestReplicas() => Autoscaling is { Enabled: true } autoscaling ? autoscaling.MinReplicas : Replicas;
}
