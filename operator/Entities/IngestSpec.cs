using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("The ingest workload.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class IngestSpec
{
    [Description("Pod replicas. Above 1 a PodDisruptionBudget keeps one available.")]
    [Range(1, 100)]
    public int Replicas { get; set; } = 2;

    [Description("Container image; defaults to the operator's ingest image (ghcr.io/logdapr/ingest at the operator's version).")]
    [Length(1, 512)]
    public string? Image { get; set; }

    [Description("Image pull policy.")]
    public PullPolicy ImagePullPolicy { get; set; } = PullPolicy.IfNotPresent;

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

    [Description("Per-client rate limit, counted in events. No limit when omitted.")]
    public IngestRateLimitSpec? RateLimit { get; set; }
}

public enum PullPolicy
{
    [JsonStringEnumMemberName("Always")] Always,
    [JsonStringEnumMemberName("IfNotPresent")] IfNotPresent,
    [JsonStringEnumMemberName("Never")] Never,
}

