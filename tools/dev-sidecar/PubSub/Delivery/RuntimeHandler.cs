using LogDapr.DevSidecar.PubSub.Apps;
using LogDapr.DevSidecar.PubSub.Journal;
using LogDapr.DevSidecar.PubSub.Storage;
using LogDapr.DevSidecar.PubSub.Subscriptions;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.PubSub.Delivery;

/// <summary>
/// daprd v1.16's subscription handlers — what the runtime does with messages the component hands it, up to the answer
/// it gives back: an acknowledgement (with how the message ended) or an error (null here), which the component then
/// treats its own way (see <see cref="SubscriptionWorker"/>).
/// Single: pkg/runtime/subscription/subscription.go (New, the handler passed to Subscribe).
/// Bulk: bulksubscription.go (bulkSubscribeTopic's bulkHandler), bulkresiliency.go, postman/http/http.go DeliverBulk.
/// </summary>
public sealed partial class RuntimeHandler(Subscription subscription, Broker broker, AppChannel app, PubSubSettings settings, DeliveryOptions options, ILogger logger)
{
    private readonly SubscriptionStats stats = subscription.Stats;

    private AppPostman Postman(SubscriptionSpec spec) => new(app, spec.PubSubName, spec.Topic, settings.Profile.Kind, settings.Inbound.Timeout);

    /// <summary>One message: resiliency-retried delivery, then dead-letter topic or error.</summary>
    public async Task<AckOutcome?> HandleSingleAsync(TopicMessage message, byte[] payload, SubscriptionSpec spec, IReadOnlyList<(RouteMatcher?, string)> rules, CancellationToken cancellationToken)
    {
        var prepared = PreparedEvent.Prepare(message, payload, spec, rules, bulk: false, out var failure, out var reason);
        if (prepared is null)
        {
            logger.LogWarning("subscription {Subscription}: {Reason}", subscription.Id, reason);
            return await NotDeliverableAsync(failure, [(message, payload)], spec, cancellationToken).ConfigureAwait(false) is { } outcome ? outcome : null;
        }

        var postman = Postman(spec);
        var failures = 0;
        string? detail;
        while (true)
        {
            (var outcome, detail) = await AttemptAsync(() => postman.DeliverAsync(prepared.Path, prepared.Body, cancellationToken), 1, cancellationToken).ConfigureAwait(false);
            switch (outcome)
            {
                case DeliveryOutcome.Success:
                    Interlocked.Increment(ref stats.Succeeded);
                    for (var i = 0; i < options.RedeliverSuccessful; i++)
                    {
                        await postman.DeliverAsync(prepared.Path, prepared.Body, cancellationToken).ConfigureAwait(false);
                        Interlocked.Increment(ref stats.Redelivered);
                    }

                    return AckOutcome.Delivered;
                case DeliveryOutcome.NotFound:
                    logger.LogError("subscription {Subscription}: app answered 404 for event {Id}; acknowledged and dropped (daprd v1.16)", subscription.Id, prepared.CloudEventId);
                    return AckOutcome.Dropped;
                case DeliveryOutcome.Drop:
                    Interlocked.Increment(ref stats.Dropped);
                    if (spec.DeadLetterTopic is null)
                    {
                        return AckOutcome.Dropped;
                    }

                    if (await TryDeadLetterAsync([payload], message.Flags, spec, cancellationToken).ConfigureAwait(false))
                    {
                        return AckOutcome.DeadLettered;
                    }

                    // daprd returns the drop error to its resiliency runner, which retries the delivery.
                    detail = "dead-letter publish failed";
                    break;
            }

            failures++;
            if (!await BackOffAsync(failures, detail, 1, cancellationToken).ConfigureAwait(false))
            {
                break;
            }
        }

        return await DeadLetterOrErrorAsync([(message, payload)], spec, cancellationToken).ConfigureAwait(false) ? AckOutcome.DeadLettered : null;
    }

    /// <summary>Expired or unroutable: dead-lettered best effort, acknowledged. Undecodable: dead-letter topic or error.</summary>
    private async Task<AckOutcome?> NotDeliverableAsync(PrepareFailure failure, IReadOnlyList<(TopicMessage Message, byte[] Payload)> messages, SubscriptionSpec spec, CancellationToken cancellationToken)
    {
        if (failure == PrepareFailure.Undecodable)
        {
            return await DeadLetterOrErrorAsync(messages, spec, cancellationToken).ConfigureAwait(false) ? AckOutcome.DeadLettered : null;
        }

        return spec.DeadLetterTopic is not null && await TryDeadLetterAsync(messages.Select(m => m.Payload).ToList(), messages[0].Message.Flags, spec, cancellationToken).ConfigureAwait(false)
            ? AckOutcome.DeadLettered
            : AckOutcome.Dropped;
    }

    /// <summary>daprd after its retries: the dead-letter topic if set and the publish works, else the error goes back.</summary>
    private async Task<bool> DeadLetterOrErrorAsync(IReadOnlyList<(TopicMessage Message, byte[] Payload)> messages, SubscriptionSpec spec, CancellationToken cancellationToken)
    {
        if (spec.DeadLetterTopic is not null
            && await TryDeadLetterAsync(messages.Select(m => m.Payload).ToList(), messages[0].Message.Flags, spec, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        logger.LogWarning("subscription {Subscription}: {Count} message(s) not processed and {Why}; the error goes back to the component, which redelivers",
            subscription.Id, messages.Count, spec.DeadLetterTopic is null ? "no deadLetterTopic is set" : "the dead-letter publish failed");
        return false;
    }

    /// <summary>One publish of the original bytes to the dead-letter topic (daprd's sendToDeadLetter): no retry.</summary>
    private async Task<bool> TryDeadLetterAsync(IReadOnlyList<byte[]> payloads, MessageFlags flags, SubscriptionSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            var copies = payloads.Select(p => new OutgoingMessage(p, flags & MessageFlags.RawPayload)).ToList();
            await broker.PublishManyAsync(spec.PubSubName, spec.DeadLetterTopic!, copies, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref stats.DeadLettered, payloads.Count);
            return true;
        }
        catch (Errors.DaprApiException ex)
        {
            Interlocked.Add(ref stats.DeadLetterFailures, payloads.Count);
            logger.LogError("subscription {Subscription}: error sending {Count} message(s) to dead letter topic {Topic}: {Error}", subscription.Id, payloads.Count, spec.DeadLetterTopic, ex.Message);
            return false;
        }
    }

    /// <summary>Runs one delivery attempt after the chaos delay and counts it; an unreachable or unhealthy app is an attempt too.</summary>
    private async Task<(DeliveryOutcome Outcome, string? Detail)> AttemptAsync(Func<Task<(DeliveryOutcome, string?)>> send, int count, CancellationToken cancellationToken)
    {
        if (options.DeliveryDelay > TimeSpan.Zero)
        {
            await Task.Delay(options.DeliveryDelay, cancellationToken).ConfigureAwait(false);
        }

        var (outcome, detail) = await send().ConfigureAwait(false);
        Interlocked.Add(ref stats.Attempts, count);
        if (outcome == DeliveryOutcome.Unreachable)
        {
            Interlocked.Add(ref stats.AppUnavailable, count);
        }

        return (outcome, detail);
    }

    /// <summary>Waits before the next retry under the inbound policy; false when the policy is exhausted.</summary>
    private async Task<bool> BackOffAsync(int failures, string? detail, int count, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref stats.Retried, count);
        stats.LastError = detail;
        var retry = settings.Retry;
        if (!retry.AllowsRetry(failures))
        {
            logger.LogWarning("subscription {Subscription}: giving up after {Attempts} attempt(s) ({Detail}) for {Count} message(s)", subscription.Id, failures, detail, count);
            return false;
        }

        var delay = retry.DelayBefore(failures);
        logger.LogDebug("subscription {Subscription}: attempt {Attempt} failed ({Detail}); retrying in {Delay}", subscription.Id, failures, detail, delay);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}
