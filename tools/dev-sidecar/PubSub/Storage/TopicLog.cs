namespace LogDapr.DevSidecar.PubSub.Storage;

/// <summary>
/// One topic of one pub/sub component: messages in arrival order plus the consumer groups (up to 64, one bit
/// each) that fan out from it. Guarded by the broker lock.
/// </summary>
public sealed class TopicLog(string pubSub, string topic)
{
    public const int MaxSubscriptions = 64;

    private readonly RingBuffer<TopicMessage> messages = new();

    public string PubSub { get; } = pubSub;
    public string Topic { get; } = topic;
    public ConsumerGroup?[] Slots { get; } = new ConsumerGroup?[MaxSubscriptions];
    public ulong AllBits { get; private set; }
    public int GroupCount { get; private set; }
    public long HeadPosition { get; private set; }
    public long TailPosition => HeadPosition + this.messages.Count;

    /// <summary>Messages not yet complete (including ones waiting for a first subscriber).</summary>
    public int Live { get; set; }

    /// <summary>Publishes accepted for the journal but not yet applied; counted against the limit.</summary>
    public int Reserved { get; set; }

    // Diagnostics since start-up.
    public long Published { get; set; }
    public long Delivered { get; set; }
    public long DeadLettered { get; set; }
    public long Dropped { get; set; }
    public long Trimmed { get; set; }

    /// <summary>The Redis stream this topic stands for when its component sets maxLenApprox (else null).</summary>
    public Brokers.RedisStreamModel? Stream { get; set; }

    public TopicMessage? At(long position) =>
        position >= HeadPosition && position < TailPosition ? this.messages[(int)(position - HeadPosition)] : null;

    public void Append(TopicMessage message)
    {
        message.Position = TailPosition;
        this.messages.Add(message);
    }

    public IEnumerable<TopicMessage> Retained()
    {
        for (var i = 0; i < this.messages.Count; i++)
        {
            yield return this.messages[i];
        }
    }

    public void TrimCompleted()
    {
        while (this.messages.Count > 0 && this.messages[0].Complete)
        {
            this.messages.RemoveFirst();
            HeadPosition++;
        }
    }

    public ConsumerGroup? FindGroup(string key) => Slots.FirstOrDefault(g => g is not null && g.Key == key);

    /// <summary>A free slot for a new group, or -1 when the topic has <see cref="MaxSubscriptions"/> groups.</summary>
    public int AddGroup(Func<int, ConsumerGroup> create)
    {
        for (var slot = 0; slot < MaxSubscriptions; slot++)
        {
            if (Slots[slot] is null)
            {
                Slots[slot] = create(slot);
                AllBits |= 1UL << slot;
                GroupCount++;
                return slot;
            }
        }

        return -1;
    }

    public void RemoveGroup(int slot)
    {
        Slots[slot] = null;
        AllBits &= ~(1UL << slot);
        GroupCount--;
    }
}
