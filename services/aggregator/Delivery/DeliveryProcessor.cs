using LogDapr.Aggregator.Aggregation;
using LogDapr.Aggregator.Configuration;
using LogDapr.Aggregator.DeadLetters;
using LogDapr.Aggregator.Observability;
using LogDapr.Aggregator.Schema;
using LogDapr.Aggregator.Sink;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Delivery;

/// <summary>
/// Decides the fate of every message of a delivery. All valid messages are written in one binding call
/// (one atomic statement); poison messages get their reason recorded and are dropped to the dead-letter topic.
/// Any failure to write means RETRY: Dapr delivers again and the dedup keys make that safe.
/// </summary>
public sealed partial class DeliveryProcessor(
    PostgresBinding binding,
    DeadLetterWriter deadLetters,
    SchemaReadiness schema,
    IOptions<AggregatorOptions> aggregator,
    IOptions<PostgresOptions> postgres,
    AggregatorMetrics metrics,
    TimeProvider time,
    ILogger<DeliveryProcessor> logger)
{
    private readonly TimeSpan bucketWidth = aggregator.Value.BucketWidth;
    private readonly string countsSql = CountsStatement.Sql(postgres.Value.Schema);

    /// <returns>A status for every entry id of <paramref name="messages"/>.</returns>
    public async Task<Dictionary<string, DeliveryStatus>> ProcessAsync(IReadOnlyList<DecodedMessage> messages, CancellationToken cancellationToken)
    {
        var statuses = new Dictionary<string, DeliveryStatus>(messages.Count, StringComparer.Ordinal);
        if (!schema.IsReady)
        {
            LogSchemaNotReady(logger, messages.Count);
            metrics.Retried(messages.Count, RetryReasons.SchemaNotReady);
            foreach (var message in messages)
            {
                statuses[message.EntryId] = DeliveryStatus.Retry;
            }

            return statuses;
        }

        await WriteCountsAsync(messages, statuses, cancellationToken).ConfigureAwait(false);
        foreach (var poison in messages.Where(m => m.IsPoison))
        {
            statuses[poison.EntryId] = await DeadLetterAsync(poison, cancellationToken).ConfigureAwait(false);
        }

        return statuses;
    }

    private async Task WriteCountsAsync(IReadOnlyList<DecodedMessage> messages, Dictionary<string, DeliveryStatus> statuses, CancellationToken cancellationToken)
    {
        // A delivery can carry the same message twice (redelivery racing a slow ack): count it once, answer for both.
        var unique = new Dictionary<(string Id, DateOnly Day), MessageCounts>();
        var events = 0;
        var times = new List<DateTimeOffset>(messages.Count);
        foreach (var message in messages.Where(m => !m.IsPoison))
        {
            var day = DateOnly.FromDateTime(message.Time.UtcDateTime);
            if (!unique.ContainsKey((message.MessageId, day)))
            {
                unique[(message.MessageId, day)] = BucketAggregator.Aggregate(message.MessageId, message.Time, message.Events!, bucketWidth);
                events += message.Events!.Count;
                times.Add(message.Time);
            }
            else
            {
                metrics.DuplicateInDelivery(message.Events!.Count);
            }
        }

        if (unique.Count == 0)
        {
            return;
        }

        DeliveryStatus outcome;
        try
        {
            // The statement's row count is the number of events it counted for the first time (see CountsStatement).
            var added = await binding.ExecAsync(countsSql, CountsStatement.Params([.. unique.Values]), cancellationToken).ConfigureAwait(false);
            outcome = DeliveryStatus.Success;
            metrics.Written(times, events, added, time.GetUtcNow());
            LogWritten(logger, unique.Count, events, added);
        }
        catch (SinkUnavailableException ex)
        {
            outcome = DeliveryStatus.Retry;
            metrics.Retried(messages.Count(m => !m.IsPoison), RetryReasons.SinkUnavailable);
            LogSinkFailed(logger, unique.Count, events, ex.Message);
        }

        foreach (var message in messages.Where(m => !m.IsPoison))
        {
            statuses[message.EntryId] = outcome;
        }
    }

    private async Task<DeliveryStatus> DeadLetterAsync(DecodedMessage poison, CancellationToken cancellationToken)
    {
        try
        {
            await deadLetters.RecordRejectionAsync(poison, cancellationToken).ConfigureAwait(false);
            LogPoison(logger, poison.MessageId, poison.PoisonReason!);
            metrics.DeadLettered();
            return DeliveryStatus.Drop;
        }
        catch (SinkUnavailableException ex)
        {
            // Without the reason recorded, dropping now would leave an unexplained dead letter; try again later.
            LogDeadLetterFailed(logger, poison.MessageId, ex.Message);
            metrics.Retried(1, RetryReasons.SinkUnavailable);
            return DeliveryStatus.Retry;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Wrote {Messages} messages ({Events} events, {AddedEvents} new) in one statement")]
    private static partial void LogWritten(ILogger logger, int messages, int events, long addedEvents);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sink write failed for {Messages} messages ({Events} events), answering RETRY: {Error}")]
    private static partial void LogSinkFailed(ILogger logger, int messages, int events, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording the dead-letter reason of message {MessageId} failed, answering RETRY: {Error}")]
    private static partial void LogDeadLetterFailed(ILogger logger, string messageId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} cannot be processed and goes to the dead-letter topic: {Reason}")]
    private static partial void LogPoison(ILogger logger, string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schema not migrated yet; answering RETRY for {Messages} messages")]
    private static partial void LogSchemaNotReady(ILogger logger, int messages);
}
