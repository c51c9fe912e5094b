using LogDapr.DevSidecar.PubSub.Brokers;
using LogDapr.DevSidecar.Resiliency;

namespace LogDapr.DevSidecar.PubSub.Storage;

/// <summary>How the embedded broker serves one pubsub.* component.</summary>
public sealed record PubSubSettings(string Name, string Type, int MaxPendingPerTopic, int Concurrency, ComponentPolicy Inbound, BrokerProfile? BrokerProfile = null)
{
    /// <summary>The real broker's delivery behaviour this component emulates (from its type and metadata).</summary>
    public BrokerProfile Profile { get; } = BrokerProfile ?? Brokers.BrokerProfile.For(Type, new Dictionary<string, string>(), Concurrency);

    /// <summary>
    /// The consumer group an app's subscriptions join (null: a consumer of its own), or why the component cannot
    /// be loaded for that app. The runtime resolves it from the metadata as the app's daprd sees it; the default
    /// reads no metadata, so every app is its own group (consumerID defaults to the app id).
    /// </summary>
    public Func<string, (string? Group, string? Error)> ConsumerGroupOf { get; init; } =
        appId => (ConsumerGroups.GroupOf(Type, new Dictionary<string, string>(), appId), null);

    /// <summary>
    /// The inbound retry in force: the Resiliency target's. Without one daprd v1.16 makes a single attempt
    /// (pkg/resiliency/resiliency.go ComponentInboundPolicy: no target and no default policy = no retry).
    /// </summary>
    public RetryPolicy Retry => Inbound.Retry ?? RetryPolicy.DefaultInbound;
}
