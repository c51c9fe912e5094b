using LogDapr.DevSidecar.PubSub.Apps;
using LogDapr.DevSidecar.PubSub.Journal;
using LogDapr.DevSidecar.PubSub.Storage;
using LogDapr.DevSidecar.PubSub.Subscriptions;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.PubSub.Delivery;

/// <summary>
/// daprd v1.16's bulk handler: per-entry statuses, retries of the entries not yet successful under the inbound
/// policy (bulkresiliency.go), then dead-letter topic or error for what is left.
/// </summary>
public sealed partial class RuntimeHandler
{
    /// <summary>
    /// One batch: entries decoded and routed, each route's entries delivered under the resiliency policy (only the
    /// failed ones are retried), then the still-failed entries go to the dead-letter topic in one bulk publish; if
    /// that is not possible they are errors. Returns one outcome per message (null = error).
    /// </summary>
    public async Task<AckOutcome?[]> HandleBulkAsync(IReadOnlyList<(TopicMessage Message, byte[] Payload)> batch, SubscriptionSpec spec, IReadOnlyList<(RouteMatcher?, string)> rules, CancellationToken cancellationToken)
    {
        var outcomes = new AckOutcome?[batch.Count];
        var failed = new bool[batch.Count];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var entries = new List<BulkEntry>();
        for (var i = 0; i < batch.Count; i++)
        {
            var (message, payload) = batch[i];
            // Kafka numbers the entries of its batch; daprd's DefaultBulkSubscriber gives each a random UUID.
            var entryId = settings.Profile.NativeBulk ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : Guid.NewGuid().ToString();
            var prepared = PreparedEvent.Prepare(message, payload, spec, rules, bulk: true, out var failure, out var reason);
            if (prepared is null)
            {
                logger.LogWarning("subscription {Subscription}: {Reason}", subscription.Id, reason);
                if (failure == PrepareFailure.Undecodable)
                {
                    failed[i] = true;
                }
                else
                {
                    outcomes[i] = await NotDeliverableAsync(failure, [(message, payload)], spec, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            index[entryId] = i;
            entries.Add(new BulkEntry(message, entryId, payload, prepared.Body, prepared.ContentType, prepared.Path));
        }

        var postman = Postman(spec);
        foreach (var route in entries.GroupBy(e => e.Path))
        {
            var remaining = route.ToList();
            var failures = 0;
            while (remaining.Count > 0)
            {
                var attempt = remaining;
                IReadOnlyDictionary<string, DeliveryOutcome> results = new Dictionary<string, DeliveryOutcome>();
                var (_, detail) = await AttemptAsync(
                    async () =>
                    {
                        var (r, d) = await postman.DeliverBulkAsync(attempt, cancellationToken).ConfigureAwait(false);
                        results = r;
                        return (r.Values.Any(o => o == DeliveryOutcome.Unreachable) ? DeliveryOutcome.Unreachable : DeliveryOutcome.Success, d);
                    },
                    attempt.Count,
                    cancellationToken).ConfigureAwait(false);

                var retry = new List<BulkEntry>();
                var succeeded = new List<BulkEntry>();
                foreach (var entry in attempt)
                {
                    var i = index[entry.EntryId];
                    switch (results.GetValueOrDefault(entry.EntryId, DeliveryOutcome.Retry))
                    {
                        case DeliveryOutcome.Success:
                            succeeded.Add(entry);
                            outcomes[i] = AckOutcome.Delivered;
                            break;
                        case DeliveryOutcome.NotFound:
                            outcomes[i] = AckOutcome.Dropped;
                            break;
                        case DeliveryOutcome.Drop:
                            // Acknowledged whatever the dead-letter publish does (its error is discarded).
                            Interlocked.Increment(ref stats.Dropped);
                            outcomes[i] = spec.DeadLetterTopic is not null && await TryDeadLetterAsync([entry.Payload], entry.Message.Flags, spec, cancellationToken).ConfigureAwait(false)
                                ? AckOutcome.DeadLettered
                                : AckOutcome.Dropped;
                            break;
                        default:
                            retry.Add(entry);
                            break;
                    }
                }

                if (results.Values.Any(o => o == DeliveryOutcome.NotFound))
                {
                    logger.LogError("subscription {Subscription}: app answered 404 to a bulk delivery; {Count} entries marked successful (daprd v1.16)", subscription.Id, attempt.Count);
                }

                if (succeeded.Count > 0)
                {
                    Interlocked.Add(ref stats.Succeeded, succeeded.Count);
                    for (var r = 0; r < options.RedeliverSuccessful; r++)
                    {
                        await postman.DeliverBulkAsync(succeeded, cancellationToken).ConfigureAwait(false);
                        Interlocked.Add(ref stats.Redelivered, succeeded.Count);
                    }
                }

                remaining = retry;
                if (retry.Count == 0)
                {
                    break;
                }

                failures++;
                if (!await BackOffAsync(failures, detail ?? $"{retry.Count} bulk entries not successful", retry.Count, cancellationToken).ConfigureAwait(false))
                {
                    foreach (var entry in retry)
                    {
                        failed[index[entry.EntryId]] = true;
                    }

                    break;
                }
            }
        }

        var errored = Enumerable.Range(0, batch.Count).Where(i => failed[i]).ToList();
        if (errored.Count > 0 && await DeadLetterOrErrorAsync(errored.Select(i => batch[i]).ToList(), spec, cancellationToken).ConfigureAwait(false))
        {
            foreach (var i in errored)
            {
                outcomes[i] = AckOutcome.DeadLettered;
            }
        }

        return outcomes;
    }
}
