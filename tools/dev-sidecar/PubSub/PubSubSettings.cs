using LogDapr.DevSidecar.Resiliency;

namespace LogDapr.DevSidecar.PubSub;

/// <summary>How the embedded broker serves one pubsub.* component.</summary>
public sealed record PubSubSettings(string Name, string Type, int MaxPendingPerTopic, int Concurrency, ComponentPolicy Inbound)
{
    /// <summary>The inbound retry in force: the Resiliency target's, else the sidecar default.</summary>
    public RetryPolicy Retry => Inbound.Retry ?? RetryPolicy.DefaultInbound;
}
