using LogDapr.Aggregator.Decoding;
using LogDapr.Aggregator.Observability;
using LogDapr.Aggregator.Sink;

namespace LogDapr.Aggregator.DeadLetters;

/// <summary>
/// Handles deliveries of the dead-letter topic: every message is stored (or its arrival counted) in
/// dead_letters; while the sink is down the answer is RETRY, so a dead letter is never lost.
/// </summary>
public sealed partial class DeadLetterArrivals(DeadLetterWriter writer, AggregatorMetrics metrics, ILogger<DeadLetterArrivals> logger)
{
    public async Task<Dictionary<string, DeliveryStatus>> RecordAsync(IReadOnlyList<DecodedMessage> messages, CancellationToken cancellationToken)
    {
        var statuses = new Dictionary<string, DeliveryStatus>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            try
            {
                await writer.RecordArrivalAsync(message, cancellationToken).ConfigureAwait(false);
                statuses[message.EntryId] = DeliveryStatus.Success;
                metrics.DeadLetterStored();
                LogDeadLettered(logger, message.MessageId);
            }
            catch (SinkException ex) when (!ex.IsPermanent)
            {
                statuses[message.EntryId] = DeliveryStatus.Retry;
                metrics.Retried(1, RetryReasons.SinkUnavailable);
            }
            catch (SinkException ex)
            {
                // Not even a row without the payload can be stored; retrying forever would only stall this topic.
                statuses[message.EntryId] = DeliveryStatus.Drop;
                LogRefused(logger, message.MessageId, ex.Message);
            }
        }

        return statuses;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead letter {MessageId} could not be stored, even without its payload, and is dropped: {Error}")]
    private static partial void LogRefused(ILogger logger, string messageId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored dead letter for message {MessageId}")]
    private static partial void LogDeadLettered(ILogger logger, string messageId);
}
