using Dapr;
using LogDapr.Aggregator.Database;
using LogDapr.Aggregator.DeadLetters;
using LogDapr.Aggregator.Decoding;
using LogDapr.Aggregator.Observability;
using LogDapr.Aggregator.Processing.Observability;
using LogDapr.Aggregator.Processing.Rules;
using LogDapr.Aggregator.Sink;
using LogDapr.Aggregator.Subscriptions;
using LogDapr.Configuration.Processing;
using LogDapr.Contracts.Events;
using LogDapr.Processing;
using LogDapr.Processing.Enrichment;
using LogDapr.ServiceDefaults.Publishing;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Processing.Delivery;

/// <summary>
/// The processor role's answer to a delivery of the raw topic: each valid message processed with the delivery's rule
/// set and published to the processed topic under its own id; each poison message redacted and recorded as a dead
/// letter here, then acknowledged. Never DROP: daprd would forward the unredacted original to the dead-letter topic.
/// </summary>
public sealed partial class ProcessorDeliveryProcessor(
    RuleSet rules,
    ProcessedPublisher publisher,
    DeadLetterWriter deadLetters,
    SchemaReadiness schema,
    IOptions<ProcessingOptions> options,
    ProcessingMetrics metrics,
    AggregatorMetrics deliveryMetrics,
    ILogger<ProcessorDeliveryProcessor> logger,
    IMetadataLookup? metadata = null) : ILogsDeliveryProcessor
{
    private readonly int maxDataBytes = options.Value.MaxPublishedMessageBytes;

    public async Task<Dictionary<string, DeliveryStatus>> ProcessAsync(IReadOnlyList<DecodedMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var statuses = new Dictionary<string, DeliveryStatus>(messages.Count, StringComparer.Ordinal);
        var processor = rules.Processor;
        await DeadLetterPoisonAsync(messages, processor, statuses, cancellationToken).ConfigureAwait(false);

        var valid = new List<DecodedMessage>(messages.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            // A message delivered twice in one delivery is published once; both entries get its answer.
            if (!message.IsPoison && seen.Add(message.MessageId))
            {
                valid.Add(message);
            }
        }

        if (valid.Count == 0)
        {
            return statuses;
        }

        var snapshot = await LookupAsync(processor, valid, cancellationToken).ConfigureAwait(false);
        var counters = new ProcessingCounters();
        var outgoing = new List<OutgoingCloudEvent>(valid.Count);
        var empty = 0;
        foreach (var message in valid)
        {
            var processed = new List<LogEvent>(message.Events!.Count);
            foreach (var logEvent in message.Events!)
            {
                if (processor.Process(logEvent, snapshot, counters) is { } kept)
                {
                    processed.Add(kept);
                }
            }

            if (processed.Count == 0)
            {
                empty++;
                continue;
            }

            outgoing.AddRange(ProcessedMessageBuilder.Build(message, processed, rules.Version, maxDataBytes));
        }

        var status = DeliveryStatus.Success;
        try
        {
            await publisher.PublishAsync(outgoing, cancellationToken).ConfigureAwait(false);
            metrics.Processed(counters);
            metrics.Messages("published", valid.Count - empty);
            metrics.Messages("empty", empty);
        }
        catch (DaprException ex)
        {
            // Nothing is counted as processed: the redelivery processes (and counts) the messages again.
            LogPublishFailed(logger, valid.Count, publisher.Topic, ex.InnerException?.Message ?? ex.Message);
            metrics.Messages("retried", valid.Count);
            deliveryMetrics.Retried(valid.Count, RetryReasons.SinkUnavailable);
            status = DeliveryStatus.Retry;
        }

        foreach (var message in messages)
        {
            if (!message.IsPoison)
            {
                statuses[message.EntryId] = status;
            }
        }

        return statuses;
    }

    private async Task<MetadataSnapshot> LookupAsync(EventProcessor processor, List<DecodedMessage> valid, CancellationToken cancellationToken)
    {
        if (!processor.NeedsEnrichment)
        {
            return MetadataSnapshot.Empty;
        }

        var keys = new HashSet<MetadataKey>();
        foreach (var message in valid)
        {
            foreach (var logEvent in message.Events!)
            {
                processor.CollectMetadataKeys(logEvent, keys);
            }
        }

        if (keys.Count == 0)
        {
            return MetadataSnapshot.Empty;
        }

        // Without a metadata source every lookup is unavailable: events flow on, marked partial, never blocked.
        return metadata is null
            ? new MetadataSnapshot(new Dictionary<MetadataKey, IReadOnlyDictionary<string, string>>(), keys)
            : await metadata.LookupAsync(keys, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A poison message is kept for inspection, but only redacted: its text and the reason (which may quote a value)
    /// go through the same presets and patterns as every message.
    /// </summary>
    private async Task DeadLetterPoisonAsync(
        IReadOnlyList<DecodedMessage> messages, EventProcessor processor, Dictionary<string, DeliveryStatus> statuses, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            if (!message.IsPoison)
            {
                continue;
            }

            if (!schema.IsReady)
            {
                statuses[message.EntryId] = DeliveryStatus.Retry;
                deliveryMetrics.Retried(1, RetryReasons.SchemaNotReady);
                continue;
            }

            var redacted = message with
            {
                RawEvent = message.RawEvent is null ? null : processor.RedactText(message.RawEvent),
                PoisonReason = processor.RedactText(message.PoisonReason!),
            };
            try
            {
                await deadLetters.RecordRejectionAsync(redacted, cancellationToken).ConfigureAwait(false);
                statuses[message.EntryId] = DeliveryStatus.Success;
                metrics.Messages("dead_lettered", 1);
                deliveryMetrics.DeadLettered();
                LogPoison(logger, message.MessageId, redacted.PoisonReason!);
            }
            catch (SinkException ex)
            {
                // Never DROP here (daprd would forward the unredacted message): retry until the record can be written.
                LogDeadLetterFailed(logger, message.MessageId, ex.Message);
                statuses[message.EntryId] = DeliveryStatus.Retry;
                metrics.Messages("retried", 1);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Messages} processed messages to {Topic} failed, answering RETRY: {Error}")]
    private static partial void LogPublishFailed(ILogger logger, int messages, string topic, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} cannot be processed; recorded redacted as a dead letter: {Reason}")]
    private static partial void LogPoison(ILogger logger, string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording the redacted dead letter of message {MessageId} failed, answering RETRY: {Error}")]
    private static partial void LogDeadLetterFailed(ILogger logger, string messageId, string error);
}
