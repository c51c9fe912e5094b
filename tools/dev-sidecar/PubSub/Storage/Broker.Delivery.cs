using LogDapr.DevSidecar.PubSub.Journal;
using LogDapr.DevSidecar.PubSub.Subscriptions;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.PubSub.Storage;

/// <summary>
/// The deliverer's side of the broker: taking owed messages, handing them back for redelivery (and the Redis
/// trimming that loses them), rewinding, acknowledging and reading payloads back from the journal.
/// </summary>
public sealed partial class Broker
{
    /// <summary>
    /// Hands the next owed messages to the subscription's deliverer: first handed-back ones whose redelivery is
    /// due, then new ones after the cursor (which moves past them). Messages a Redis stream trimmed meanwhile are
    /// not handed out: they are lost, as daprd's reclaim loop acknowledges ids that no longer exist.
    /// </summary>
    public List<TopicMessage> TakeNext(Subscription subscription, int max)
    {
        var taken = new List<TopicMessage>();
        var lost = new List<long>();
        var now = DateTimeOffset.UtcNow;
        lock (gate)
        {
            if (subscription.Removed)
            {
                return taken;
            }

            var topic = subscription.Topic;
            for (var i = 0; i < subscription.HandedBack.Count && taken.Count < max;)
            {
                var (message, due) = subscription.HandedBack[i];
                if (due is not { } d || d > now)
                {
                    i++;
                    continue;
                }

                subscription.HandedBack.RemoveAt(i);
                if (message.Complete || (message.Pending & subscription.Bit) == 0)
                {
                    continue;
                }

                if (IsTrimmed(topic, message))
                {
                    lost.Add(message.Seq);
                }
                else
                {
                    taken.Add(message);
                }
            }

            while (taken.Count < max && subscription.NextPosition < topic.TailPosition)
            {
                var message = topic.At(subscription.NextPosition++);
                if (message is { Complete: false } && (message.Pending & subscription.Bit) != 0 && !subscription.IsHandedBack(message))
                {
                    if (IsTrimmed(topic, message))
                    {
                        lost.Add(message.Seq);
                    }
                    else
                    {
                        taken.Add(message);
                    }
                }
            }
        }

        JournalTrimmed(subscription, lost);
        return taken;
    }

    /// <summary>
    /// The runtime returned an error for these messages: the broker keeps them and delivers them again at
    /// <paramref name="due"/> (null: not before a restart).
    /// </summary>
    public void HandBack(Subscription subscription, IReadOnlyList<TopicMessage> messages, DateTimeOffset? due)
    {
        var lost = new List<long>();
        lock (gate)
        {
            foreach (var message in messages)
            {
                if (message.Complete || (message.Pending & subscription.Bit) == 0 || subscription.IsHandedBack(message))
                {
                    continue;
                }

                if (IsTrimmed(subscription.Topic, message))
                {
                    lost.Add(message.Seq);
                }
                else
                {
                    subscription.HandedBack.Add(new HandedBackMessage(message, due));
                }
            }

            Interlocked.Add(ref subscription.Stats.HandedBack, messages.Count);
            subscription.Group.SignalAll();
        }

        JournalTrimmed(subscription, lost);
    }

    /// <summary>The earliest time a handed-back message of the subscription is due again, if any.</summary>
    public DateTimeOffset? NextRedeliveryDue(Subscription subscription)
    {
        lock (gate)
        {
            DateTimeOffset? next = null;
            foreach (var (_, due) in subscription.HandedBack)
            {
                if (due is { } d && (next is null || d < next))
                {
                    next = d;
                }
            }

            return next;
        }
    }

    private static bool IsTrimmed(TopicLog topic, TopicMessage message) => topic.Stream is { } stream && message.Position < stream.Head;

    private void JournalTrimmed(Subscription subscription, List<long> lost)
    {
        if (lost.Count == 0)
        {
            return;
        }

        this.logger.LogWarning("subscription {Subscription}: {Count} message(s) were trimmed from the stream (maxLenApprox) before delivery; lost", subscription.Id, lost.Count);
        var write = Journal.Enqueue(new AckRecord(subscription.Id, AckOutcome.Trimmed, lost.ToArray()));
        _ = write.ContinueWith(t => this.logger.LogError("journaling trimmed messages failed: {Error}", t.Exception?.GetBaseException().Message),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>
    /// Puts messages a deliverer could not finish back in front of the subscription's cursor, so they are taken
    /// again (possibly alongside in-flight copies: at-least-once allows the duplicate).
    /// </summary>
    public void Rewind(Subscription subscription, IEnumerable<TopicMessage> messages)
    {
        lock (gate)
        {
            foreach (var message in messages)
            {
                if (!message.Complete && message.Position < subscription.NextPosition)
                {
                    subscription.NextPosition = Math.Max(message.Position, subscription.Topic.HeadPosition);
                }
            }

            subscription.Group.SignalAll();
        }
    }

    /// <summary>Records that the subscription is done with the messages; durable when the task completes.</summary>
    public Task AckAsync(Subscription subscription, IReadOnlyList<TopicMessage> messages, AckOutcome outcome, CancellationToken cancellationToken = default) =>
        messages.Count == 0
            ? Task.CompletedTask
            : Journal.Enqueue(new AckRecord(subscription.Id, outcome, messages.Select(m => m.Seq).ToArray()), null, cancellationToken);

    public async ValueTask<byte[]> ReadPayloadAsync(TopicMessage message, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            RecordLocation location;
            lock (gate)
            {
                if (message.Cached is { } cached)
                {
                    return cached;
                }

                location = message.Location;
            }

            try
            {
                return await Journal.ReadPayloadAsync(location, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException) when (attempt < 3)
            {
                // Compaction moved the payload between reading its location and opening the segment.
            }
        }
    }
}
