using LogDapr.DevSidecar.PubSub.Journal;
using LogDapr.DevSidecar.PubSub.Subscriptions;


namespace LogDapr.DevSidecar.PubSub.Storage;

/// <summary>Delivery counters of one subscription (updated with Interlocked; read for diagnostics).</summary>
public sealed class SubscriptionStats
{
    public long Attempts;
    public long Succeeded;
    public long Retried;
    public long Dropped;
    public long DeadLettered;
    public long AppUnavailable;
    public long Redelivered;
    public long HandedBack;
    public long DeadLetterFailures;
    public long InFlight;
    public string? LastError;
}

/// <summary>
/// A subscription of one app to one topic. Identity is app + pubsub + topic, as daprd allows one subscription per
/// topic per app. Its cursor, pending set and handed-back messages are its <see cref="ConsumerGroup"/>'s: apps in
/// one group compete for messages, different groups each get every message. Mutable fields are guarded by the
/// broker lock.
/// </summary>
public sealed class Subscription(string id, string appId, SubscriptionKind kind, SubscriptionSpec spec, ConsumerGroup group)
{
    public string Id { get; } = id;
    public string AppId { get; } = appId;
    public SubscriptionKind Kind { get; set; } = kind;
    public SubscriptionSpec Spec { get; set; } = spec;
    public ConsumerGroup Group { get; } = group;
    public TopicLog Topic => Group.Topic;
    public ulong Bit => Group.Bit;

    /// <summary>The group's cursor (shared with the other members).</summary>
    public long NextPosition
    {
        get => Group.NextPosition;
        set => Group.NextPosition = value;
    }

    /// <summary>Messages the group still owes (including in-flight ones).</summary>
    public int PendingCount
    {
        get => Group.PendingCount;
        set => Group.PendingCount = value;
    }

    public bool Removed { get; set; }

    /// <summary>The group's handed-back messages (see <see cref="ConsumerGroup.HandedBack"/>).</summary>
    public List<HandedBackMessage> HandedBack => Group.HandedBack;

    /// <summary>When the consumer started: Redis's reclaim ticker runs from here.</summary>
    public DateTimeOffset SubscribedAt { get; } = DateTimeOffset.UtcNow;
    public AsyncSignal Signal { get; } = new();
    public SubscriptionStats Stats { get; } = new();

    public bool IsHandedBack(TopicMessage message) => Group.IsHandedBack(message);

    public static string MakeId(string appId, string pubsub, string topic) => $"{appId}|{pubsub}|{topic}";
}

/// <summary>A message waiting in the broker for redelivery to one subscription.</summary>
public readonly record struct HandedBackMessage(TopicMessage Message, DateTimeOffset? Due);
