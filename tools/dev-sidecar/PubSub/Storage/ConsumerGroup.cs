namespace LogDapr.DevSidecar.PubSub.Storage;

/// <summary>
/// A consumer group on one topic: one cursor, one slot (bit) in each message's pending set, shared by every
/// subscription that resolved to this group — they compete, each message goes to one of them — while each group
/// gets every message. A subscription whose component gives it a consumer of its own (JetStream without
/// durableName) has a group to itself. Guarded by the broker lock.
/// </summary>
public sealed class ConsumerGroup(string key, string? name, TopicLog topic, int slot)
{
    /// <summary>Identity on the topic: the group's name, or a private key for a subscription's own consumer.</summary>
    public string Key { get; } = key;

    /// <summary>The broker's name for it (consumerID, consumerGroup, durableName); null for a private consumer.</summary>
    public string? Name { get; } = name;

    public TopicLog Topic { get; } = topic;
    public int Slot { get; } = slot;
    public ulong Bit => 1UL << Slot;

    /// <summary>Next topic position to look at; everything before it was handed to a deliverer or is not owed.</summary>
    public long NextPosition { get; set; }

    /// <summary>Messages this group still owes (including in-flight ones).</summary>
    public int PendingCount { get; set; }

    /// <summary>
    /// Messages the runtime handed back to the broker with an error (Redis: left in the group's pending list;
    /// JetStream: NAKed), with the time the broker delivers them again (null: never, until a restart). Any member
    /// may take them again, as any consumer of a Redis group reclaims the group's pending entries.
    /// </summary>
    public List<HandedBackMessage> HandedBack { get; } = [];

    public List<Subscription> Members { get; } = [];

    public bool IsHandedBack(TopicMessage message) => HandedBack.Exists(h => ReferenceEquals(h.Message, message));

    /// <summary>Wakes every member's deliverer: any of them may take what changed.</summary>
    public void SignalAll()
    {
        foreach (var member in Members)
        {
            member.Signal.Set();
        }
    }

    public static string PrivateKey(string subscriptionId) => "\0" + subscriptionId;
}
