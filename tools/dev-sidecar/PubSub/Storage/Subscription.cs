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
/// A subscription of one app to one topic, with its own cursor over the topic (fan-out: each subscription gets
/// every message). Identity is app + pubsub + topic, as daprd allows one subscription per topic per app.
/// Mutable fields are guarded by the broker lock.
/// </summary>
public sealed class Subscription(string id, string appId, SubscriptionKind kind, SubscriptionSpec spec, TopicLog topic, int slot)
{
    public string Id { get; } = id;
    public string AppId { get; } = appId;
    public SubscriptionKind Kind { get; set; } = kind;
    public SubscriptionSpec Spec { get; set; } = spec;
    public TopicLog Topic { get; } = topic;
    public int Slot { get; } = slot;
    public ulong Bit => 1UL << Slot;

    /// <summary>Next topic position to look at; everything before it was handed to the deliverer or is not owed.</summary>
    public long NextPosition { get; set; }

    /// <summary>Messages this subscription still owes (including in-flight ones).</summary>
    public int PendingCount { get; set; }

    public bool Removed { get; set; }

    /// <summary>
    /// Messages the runtime handed back to the broker with an error (Redis: left in the pending list; JetStream:
    /// NAKed), with the time the broker delivers them again (null: never, until a restart).
    /// </summary>
    public List<HandedBackMessage> HandedBack { get; } = [];

    /// <summary>When the consumer started: Redis's reclaim ticker runs from here.</summary>
    public DateTimeOffset SubscribedAt { get; } = DateTimeOffset.UtcNow;
    public AsyncSignal Signal { get; } = new();
    public SubscriptionStats Stats { get; } = new();

    public bool IsHandedBack(TopicMessage message) => HandedBack.Exists(h => ReferenceEquals(h.Message, message));

    public static string MakeId(string appId, string pubsub, string topic) => $"{appId}|{pubsub}|{topic}";
}

/// <summary>A message waiting in the broker for redelivery to one subscription.</summary>
public readonly record struct HandedBackMessage(TopicMessage Message, DateTimeOffset? Due);
