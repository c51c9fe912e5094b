using LogDapr.DevSidecar.PubSub.Subscriptions;


namespace LogDapr.DevSidecar.Runtime;

/// <summary>What the metadata API reports (shared by gRPC GetMetadata and HTTP GET /v1.0/metadata).</summary>
public sealed record SidecarMetadata(
    string Id,
    string RuntimeVersion,
    IReadOnlyList<ComponentMetadata> Components,
    IReadOnlyList<SubscriptionMetadata> Subscriptions,
    IReadOnlyDictionary<string, string> Extended);

public sealed record ComponentMetadata(string Name, string Type, string Version, IReadOnlyList<string> Capabilities);

public sealed record SubscriptionMetadata(
    string AppId,
    string PubSubName,
    string Topic,
    string? DeadLetterTopic,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<RouteRule> Rules,
    bool Declarative);
