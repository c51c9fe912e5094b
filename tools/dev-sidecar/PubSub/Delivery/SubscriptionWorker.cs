using LogDapr.DevSidecar.PubSub.Apps;
using LogDapr.DevSidecar.PubSub.Brokers;
using LogDapr.DevSidecar.PubSub.Journal;
using LogDapr.DevSidecar.PubSub.Storage;
using LogDapr.DevSidecar.PubSub.Subscriptions;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.PubSub.Delivery;

/// <summary>
/// Plays the component's consumer for one subscription (components-contrib v1.16.0), feeding daprd's handlers
/// (<see cref="RuntimeHandler"/>) the way the real broker would:
/// <list type="bullet">
/// <item>single deliveries: as many in flight as the component runs (Redis <c>concurrency</c> workers, JetStream
/// one or — with <c>concurrencyMode: parallel</c> — up to <c>maxAckPending</c>, Kafka one per partition);</item>
/// <item>bulk: Kafka gathers natively up to maxMessagesCount; Redis and JetStream go through daprd's
/// DefaultBulkSubscriber (pkg/runtime/pubsub/default_bulksub.go), where each waiting message holds one of the
/// component's handler slots, so a batch never holds more than the component has in flight. Either way a batch is
/// flushed when it holds maxMessagesCount messages or when the maxAwaitDurationMs ticker fires, one batch at a time;</item>
/// <item>an error from the handler: Redis leaves the entry pending for its reclaim loop (processingTimeout,
/// redeliverInterval), JetStream NAKs it (redelivery after ackWait if set), Kafka retries the message or the whole
/// batch in place with its back-off, blocking the partition.</item>
/// </list>
/// Subscriptions run only while the app channel is ready (discovered, and healthy when health checks are on).
/// </summary>
public sealed partial class SubscriptionWorker
{
    private readonly Subscription subscription;
    private readonly Broker broker;
    private readonly AppChannel app;
    private readonly PubSubSettings settings;
    private readonly ILogger logger;
    private readonly RuntimeHandler handler;
    private CompiledRules? rules;

    public SubscriptionWorker(Subscription subscription, Broker broker, AppChannel app, PubSubSettings settings, DeliveryOptions options, ILogger logger)
    {
        this.subscription = subscription;
        this.broker = broker;
        this.app = app;
        this.settings = settings;
        this.logger = logger;
        this.handler = new RuntimeHandler(subscription, broker, app, settings, options, logger);
    }

    public Subscription Subscription => this.subscription;

    private BrokerProfile Profile => this.settings.Profile;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested && !this.subscription.Removed)
            {
                var spec = this.subscription.Spec;
                if (spec.Bulk.Enabled)
                {
                    await RunBulkAsync(spec, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await RunSingleAsync(spec, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunSingleAsync(SubscriptionSpec spec, CancellationToken cancellationToken)
    {
        var concurrency = Profile.SingleConcurrency;
        using var slots = new SemaphoreSlim(concurrency, concurrency);
        var running = new HashSet<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested && !this.subscription.Removed && ReferenceEquals(spec, this.subscription.Spec))
            {
                await this.app.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                var taken = this.broker.TakeNext(this.subscription, 1);
                if (taken.Count == 0)
                {
                    slots.Release();
                    await WaitForWorkAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var message = taken[0];
                Interlocked.Increment(ref this.subscription.Stats.InFlight);
                var task = Task.Run(() => DeliverSingleAsync(message, spec, cancellationToken), CancellationToken.None);
                lock (running)
                {
                    running.Add(task);
                }

                _ = task.ContinueWith(
                    t =>
                    {
                        Interlocked.Decrement(ref this.subscription.Stats.InFlight);
                        lock (running)
                        {
                            running.Remove(t);
                        }

                        slots.Release();
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }
        finally
        {
            Task[] remaining;
            lock (running)
            {
                remaining = running.ToArray();
            }

            await Task.WhenAll(remaining).ConfigureAwait(false);
        }
    }

    private async Task DeliverSingleAsync(TopicMessage message, SubscriptionSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            var payload = await this.broker.ReadPayloadAsync(message, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var outcome = await this.handler.HandleSingleAsync(message, payload, spec, RulesFor(spec), cancellationToken).ConfigureAwait(false);
                if (outcome is { } ack)
                {
                    await AckAsync([message], ack, cancellationToken).ConfigureAwait(false);
                    return;
                }

                if (Profile.HandBack == HandBackMode.RetryInPlace)
                {
                    // Kafka (consumeRetryEnabled): the consumer retries the same message, holding its partition.
                    Interlocked.Increment(ref this.subscription.Stats.HandedBack);
                    await Task.Delay(Profile.RedeliverAfter, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                this.broker.HandBack(this.subscription, [message], Profile.RedeliveryDue(DateTimeOffset.UtcNow, this.subscription.SubscribedAt));
                return;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: unacknowledged messages stay in the journal and are delivered after the restart.
        }
        catch (Exception ex)
        {
            Unexpected(ex, [message]);
        }
    }

    // ---- bulk deliveries ----
    /// <summary>Waits for new messages, or until a handed-back message is due, at most <paramref name="limit"/>.</summary>
    private Task WaitForWorkAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        if (this.broker.NextRedeliveryDue(this.subscription) is { } due)
        {
            var untilDue = due - DateTimeOffset.UtcNow;
            if (untilDue < limit)
            {
                limit = untilDue;
            }
        }

        return limit <= TimeSpan.Zero ? Task.CompletedTask : this.subscription.Signal.WaitAsync(limit, cancellationToken);
    }

    private void Unexpected(Exception ex, IReadOnlyList<TopicMessage> messages)
    {
        // E.g. a payload could not be read back: the messages are still owed, so they are handed back for a later try.
        this.logger.LogError(ex, "subscription {Subscription}: delivery failed unexpectedly; will retry", this.subscription.Id);
        this.subscription.Stats.LastError = ex.Message;
        this.broker.HandBack(this.subscription, messages, DateTimeOffset.UtcNow.AddSeconds(1));
    }

    private async Task AckAsync(IReadOnlyList<TopicMessage> messages, AckOutcome outcome, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await this.broker.AckAsync(this.subscription, messages, outcome).ConfigureAwait(false);
                return;
            }
            catch (IOException ex)
            {
                this.logger.LogError("subscription {Subscription}: journaling an acknowledgement failed ({Error}); retrying", this.subscription.Id, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private sealed record CompiledRules(SubscriptionSpec Spec, IReadOnlyList<(RouteMatcher?, string)> Rules);

    // Deliveries run concurrently; the compiled rules are swapped as one immutable object when the spec changes.
    private IReadOnlyList<(RouteMatcher?, string)> RulesFor(SubscriptionSpec spec)
    {
        var current = Volatile.Read(ref this.rules);
        if (current is null || !ReferenceEquals(current.Spec, spec))
        {
            current = new CompiledRules(spec, spec.Rules.Select(r => (string.IsNullOrWhiteSpace(r.Match) ? null : RouteMatcher.TryCreate(r.Match), r.Path)).ToList());
            Volatile.Write(ref this.rules, current);
        }

        return current.Rules;
    }
}
