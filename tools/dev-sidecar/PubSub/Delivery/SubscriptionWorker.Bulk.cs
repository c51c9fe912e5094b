using LogDapr.DevSidecar.PubSub.Apps;
using LogDapr.DevSidecar.PubSub.Brokers;
using LogDapr.DevSidecar.PubSub.Journal;
using LogDapr.DevSidecar.PubSub.Storage;
using LogDapr.DevSidecar.PubSub.Subscriptions;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.PubSub.Delivery;

/// <summary>
/// Bulk subscriptions: the batching the component does before daprd's bulk handler (Kafka natively,
/// Redis and JetStream through DefaultBulkSubscriber), one batch in flight, and the acknowledgement of its outcomes.
/// </summary>
public sealed partial class SubscriptionWorker
{
    private async Task RunBulkAsync(SubscriptionSpec spec, CancellationToken cancellationToken)
    {
        var max = Math.Max(1, spec.Bulk.MaxMessagesCount);
        var capacity = Math.Min(max, Profile.BulkCapacity);
        var period = TimeSpan.FromMilliseconds(spec.Bulk.MaxAwaitDurationMs > 0 ? spec.Bulk.MaxAwaitDurationMs : 1000);
        var start = DateTimeOffset.UtcNow;
        var nextTick = start + period;
        var tickPending = false;
        var batch = new List<TopicMessage>();
        try
        {
            while (!cancellationToken.IsCancellationRequested && !this.subscription.Removed && ReferenceEquals(spec, this.subscription.Spec))
            {
                await this.app.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
                if (batch.Count < capacity)
                {
                    batch.AddRange(this.broker.TakeNext(this.subscription, capacity - batch.Count));
                }

                var now = DateTimeOffset.UtcNow;
                if (now >= nextTick)
                {
                    tickPending = true;
                    nextTick = NextTick(start, period, now);
                }

                // DefaultBulkSubscriber and Kafka's ConsumeClaim: flush when full, or on the ticker with what is there.
                if (batch.Count >= max || (tickPending && batch.Count > 0))
                {
                    tickPending = false;
                    await FlushAsync(batch, spec, cancellationToken).ConfigureAwait(false);
                    batch = [];
                    now = DateTimeOffset.UtcNow;
                    if (now >= nextTick)
                    {
                        // A tick fell during the flush: Go's ticker keeps one, which fires right away.
                        tickPending = true;
                        nextTick = NextTick(start, period, now);
                    }

                    continue;
                }

                tickPending = false;
                var wait = nextTick - now;
                if (batch.Count < capacity)
                {
                    await WaitForWorkAsync(wait, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (batch.Count > 0 && !cancellationToken.IsCancellationRequested)
            {
                // The spec changed with messages gathered: they go back to be taken under the new settings.
                this.broker.HandBack(this.subscription, batch, DateTimeOffset.UtcNow);
            }
        }
    }

    private static DateTimeOffset NextTick(DateTimeOffset start, TimeSpan period, DateTimeOffset now) =>
        start + period * (Math.Floor((now - start) / period) + 1);

    private async Task FlushAsync(List<TopicMessage> batch, SubscriptionSpec spec, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref this.subscription.Stats.InFlight, batch.Count);
        try
        {
            var items = new List<(TopicMessage, byte[])>(batch.Count);
            foreach (var message in batch)
            {
                items.Add((message, await this.broker.ReadPayloadAsync(message, cancellationToken).ConfigureAwait(false)));
            }

            var acked = new bool[batch.Count];
            while (true)
            {
                var outcomes = await this.handler.HandleBulkAsync(items, spec, RulesFor(spec), cancellationToken).ConfigureAwait(false);
                if (Profile.HandBack == HandBackMode.RetryInPlace)
                {
                    // Kafka marks offsets in order up to the first failed entry, then re-sends the whole batch.
                    var prefix = 0;
                    while (prefix < outcomes.Length && outcomes[prefix] is not null)
                    {
                        prefix++;
                    }

                    await AckOutcomesAsync(batch, outcomes, acked, prefix, cancellationToken).ConfigureAwait(false);
                    if (prefix == outcomes.Length)
                    {
                        return;
                    }

                    Interlocked.Add(ref this.subscription.Stats.HandedBack, outcomes.Length - prefix);
                    await Task.Delay(Profile.RedeliverAfter, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await AckOutcomesAsync(batch, outcomes, acked, outcomes.Length, cancellationToken).ConfigureAwait(false);
                var errored = batch.Where((_, i) => outcomes[i] is null).ToList();
                if (errored.Count > 0)
                {
                    this.broker.HandBack(this.subscription, errored, Profile.RedeliveryDue(DateTimeOffset.UtcNow, this.subscription.SubscribedAt));
                }

                return;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Unexpected(ex, batch);
        }
        finally
        {
            Interlocked.Add(ref this.subscription.Stats.InFlight, -batch.Count);
        }
    }

    private async Task AckOutcomesAsync(List<TopicMessage> batch, AckOutcome?[] outcomes, bool[] acked, int upTo, CancellationToken cancellationToken)
    {
        var groups = new Dictionary<AckOutcome, List<TopicMessage>>();
        for (var i = 0; i < upTo; i++)
        {
            if (acked[i] || outcomes[i] is not { } outcome)
            {
                continue;
            }

            acked[i] = true;
            (groups.TryGetValue(outcome, out var list) ? list : groups[outcome] = []).Add(batch[i]);
        }

        foreach (var (outcome, messages) in groups)
        {
            await AckAsync(messages, outcome, cancellationToken).ConfigureAwait(false);
        }
    }
}
