using System.Runtime.InteropServices;
using LogDapr.DevSidecar.PubSub.Journal;
using LogDapr.DevSidecar.PubSub.Subscriptions;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.PubSub.Storage;

/// <summary>
/// The broker as the journal's state machine, called on the journal thread (or during replay) in journal order:
/// every change to topics, subscriptions and messages is applied here, so a restart rebuilds exactly this state.
/// </summary>
public sealed partial class Broker
{
    public void Apply(JournalRecord record, RecordLocation location, object? tag)
    {
        var changed = false;
        lock (gate)
        {
            switch (record)
            {
                case CheckpointRecord c:
                    nextSeq = Math.Max(nextSeq, c.NextSeq);
                    break;
                case PublishRecord p:
                    ApplyPublish(p, location, tag);
                    break;
                case AckRecord a:
                    ApplyAck(a);
                    break;
                case SubscribeRecord s:
                    changed = ApplySubscribe(s);
                    break;
                case UnsubscribeRecord u:
                    changed = ApplyUnsubscribe(u.SubscriptionId);
                    break;
            }
        }

        if (changed && !this.replaying)
        {
            SubscriptionsChanged?.Invoke();
        }
    }

    public void Abandon(JournalRecord record, object? tag)
    {
        if (record is PublishRecord p && ReferenceEquals(tag, ReservedTag))
        {
            lock (gate)
            {
                GetOrCreateTopic(p.PubSub, p.Topic).Reserved--;
            }
        }
    }

    private void ApplyPublish(PublishRecord p, RecordLocation location, object? tag)
    {
        var topic = GetOrCreateTopic(p.PubSub, p.Topic);
        if (ReferenceEquals(tag, ReservedTag))
        {
            topic.Reserved--;
        }

        nextSeq = Math.Max(nextSeq, p.Seq + 1);
        if (bySeq.TryGetValue(p.Seq, out var existing))
        {
            // A compaction copy of a message we already hold: only its home on disk changes.
            MoveLocation(existing.Message, location);
            return;
        }

        var flags = p.Flags & MessageFlags.RawPayload;
        ulong pending;
        bool unassigned;
        if (p.PendingFor is null)
        {
            pending = topic.AllBits;
            unassigned = topic.GroupCount == 0;
        }
        else if ((p.Flags & MessageFlags.Unassigned) != 0)
        {
            pending = topic.AllBits;
            unassigned = topic.GroupCount == 0;
        }
        else
        {
            pending = 0;
            foreach (var id in p.PendingFor)
            {
                if (this.subscriptions.TryGetValue(id, out var s) && ReferenceEquals(s.Topic, topic))
                {
                    pending |= s.Bit;
                }
            }

            unassigned = false;
            if (pending == 0)
            {
                return;
            }
        }

        var message = new TopicMessage { Seq = p.Seq, Flags = flags, Pending = pending, Unassigned = unassigned };
        topic.Append(message);
        topic.Live++;
        if (p.PendingFor is null && !this.replaying)
        {
            topic.Published++;
        }

        bySeq[p.Seq] = (topic, message);
        message.Location = location;
        AddSegmentLive(location, 1);
        if (cachedBytes + p.Payload.Length <= cacheBudget)
        {
            // Payloads are never written to once published: the record's own array is kept, not copied (at 100 KB
            // a message, a copy is a large-object-heap array per publish).
            message.Cached = MemoryMarshal.TryGetArray(p.Payload, out var whole) && whole.Offset == 0 && whole.Count == whole.Array!.Length
                ? whole.Array
                : p.Payload.ToArray();
            cachedBytes += message.Cached.Length;
        }

        foreach (var g in topic.Slots)
        {
            if (g is not null && (pending & g.Bit) != 0)
            {
                g.PendingCount++;
                g.SignalAll();
            }
        }

        if (p.PendingFor is null && this.pubsubs.TryGetValue(p.PubSub, out var settings) && settings.Profile.MaxLenApprox > 0)
        {
            topic.Stream ??= new Brokers.RedisStreamModel(settings.Profile.MaxLenApprox);
            var before = topic.Stream.Head;
            topic.Stream.Append(message.Position, p.Payload.Length);
            if (topic.Stream.Head > before)
            {
                TrimUnconsumed(topic, topic.Stream.Head);
            }
        }
    }

    /// <summary>
    /// XADD ... MAXLEN ~ n removed stream entries before <paramref name="head"/>, consumed or not. Entries no
    /// deliverer holds are lost now (XREADGROUP never returns them; reclaim acknowledges their vanished ids);
    /// entries in flight are lost when the runtime hands them back (see <see cref="HandBack"/>).
    /// </summary>
    private void TrimUnconsumed(TopicLog topic, long head)
    {
        var lost = new Dictionary<ConsumerGroup, List<long>>();
        foreach (var message in topic.Retained().ToList())
        {
            if (message.Position >= head)
            {
                break;
            }

            if (message.Complete)
            {
                continue;
            }

            if (message.Unassigned && message.Pending == 0)
            {
                if (!this.replaying)
                {
                    topic.Trimmed++;
                }

                CompleteMessage(topic, message);
                continue;
            }

            foreach (var g in topic.Slots)
            {
                if (g is null || (message.Pending & g.Bit) == 0)
                {
                    continue;
                }

                var handedBack = g.HandedBack.RemoveAll(h => ReferenceEquals(h.Message, message)) > 0;
                if (message.Position < g.NextPosition && !handedBack)
                {
                    continue; // a deliverer holds it: its outcome decides
                }

                message.Pending &= ~g.Bit;
                g.PendingCount--;
                if (!this.replaying)
                {
                    topic.Trimmed++;
                    (lost.TryGetValue(g, out var list) ? list : lost[g] = []).Add(message.Seq);
                }
            }

            if (message.Pending == 0)
            {
                CompleteMessage(topic, message);
            }
        }

        Trim(topic);
        foreach (var (g, seqs) in lost)
        {
            // Any member's acknowledgement settles the group's bit.
            var member = g.Members[0];
            this.logger.LogWarning("topic {PubSub}/{Topic}: maxLenApprox trimmed {Count} entries subscription {Subscription} had not consumed; lost", topic.PubSub, topic.Topic, seqs.Count, member.Id);
            // Durable like any acknowledgement; replaying it finds the message already released and changes nothing.
            _ = Journal.Enqueue(new AckRecord(member.Id, AckOutcome.Trimmed, seqs.ToArray()));
        }
    }

    private void ApplyAck(AckRecord a)
    {
        if (!this.subscriptions.TryGetValue(a.SubscriptionId, out var subscription))
        {
            return;
        }

        var topic = subscription.Topic;
        foreach (var seq in a.Seqs)
        {
            if (!bySeq.TryGetValue(seq, out var entry) || !ReferenceEquals(entry.Topic, topic) || (entry.Message.Pending & subscription.Bit) == 0)
            {
                continue;
            }

            var message = entry.Message;
            message.Pending &= ~subscription.Bit;
            subscription.PendingCount--;
            if (!this.replaying)
            {
                switch (a.Outcome)
                {
                    case AckOutcome.Delivered: topic.Delivered++; break;
                    case AckOutcome.DeadLettered: topic.DeadLettered++; break;
                    case AckOutcome.Trimmed: topic.Trimmed++; break;
                    default: topic.Dropped++; break;
                }
            }

            if (message.Pending == 0)
            {
                CompleteMessage(topic, message);
            }
        }

        Trim(topic);
    }

    private void CompleteMessage(TopicLog topic, TopicMessage message)
    {
        message.Complete = true;
        topic.Live--;
        bySeq.Remove(message.Seq);
        AddSegmentLive(message.Location, -1);
        if (message.Cached is { } cached)
        {
            cachedBytes -= cached.Length;
            message.Cached = null;
        }
    }

    private static void Trim(TopicLog topic)
    {
        topic.TrimCompleted();
        foreach (var g in topic.Slots)
        {
            if (g is not null && g.NextPosition < topic.HeadPosition)
            {
                g.NextPosition = topic.HeadPosition;
            }
        }
    }

    private TopicLog GetOrCreateTopic(string pubsub, string topic)
    {
        if (!this.topics.TryGetValue((pubsub, topic), out var log))
        {
            log = new TopicLog(pubsub, topic);
            this.topics[(pubsub, topic)] = log;
        }

        return log;
    }
}
