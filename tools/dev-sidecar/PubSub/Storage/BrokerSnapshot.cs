using LogDapr.DevSidecar.PubSub.Subscriptions;

namespace LogDapr.DevSidecar.PubSub.Storage;

/// <summary>Diagnostics view of the broker (GET /v1.0-dev/topics).</summary>
public sealed record BrokerSnapshot(IReadOnlyList<TopicSnapshot> Topics, int JournalSegments, long JournalBytes, long CachedPayloadBytes);

public sealed record TopicSnapshot(
    string PubSub,
    string Topic,
    long Published,
    long Delivered,
    int Pending,
    int Publishing,
    long DeadLettered,
    long Dropped,
    long Trimmed,
    IReadOnlyList<SubscriptionSnapshot> Subscriptions);

public sealed record SubscriptionSnapshot(
    string Id,
    string AppId,
    string? ConsumerGroup,
    string Type,
    SubscriptionSpec Spec,
    int Pending,
    long InFlight,
    long Attempts,
    long Succeeded,
    long Retried,
    long Dropped,
    long DeadLettered,
    long AppUnavailable,
    long Redelivered,
    long HandedBack,
    long DeadLetterFailures,
    string? LastError);
