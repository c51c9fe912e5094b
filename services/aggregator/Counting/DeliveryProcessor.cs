using System.Text;
using LogDapr.Aggregator.Database;
using LogDapr.Aggregator.DeadLetters;
using LogDapr.Aggregator.Decoding;
using LogDapr.Aggregator.Observability;
using LogDapr.Aggregator.Sink;
using LogDapr.Aggregator.Subscriptions;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Counting;

/// <summary>
/// Decides the fate of every message of a delivery. All valid messages are written in one binding call
/// (one atomic statement); poison messages get their reason recorded and are dropped to the dead-letter topic.
/// A transient failure to write means RETRY: Dapr delivers again and the dedup keys make that safe. A permanent one
/// (the database refuses the data) is narrowed down by splitting the write in halves until the message that causes
/// it stands alone; that message is dead-lettered and every other one is counted.
/// </summary>
public sealed partial class DeliveryProcessor(
    ISqlBinding binding,
    DeadLetterWriter deadLetters,
    SchemaReadiness schema,
    IOptions<AggregatorOptions> aggregator,
    IOptions<PostgresOptions> postgres,
    AggregatorMetrics metrics,
    TimeProvider time,
    ILogger<DeliveryProcessor> logger) : ILogsDeliveryProcessor
{
    /// <summary>
    /// Most messages written by one statement. count_messages holds one transaction-scoped advisory lock per message
    /// (and one per new tenant bucket); PostgreSQL's shared lock table holds max_locks_per_transaction x
    /// max_connections entries (6,400 by default), shared by all concurrent writes.
    /// </summary>
    public const int MaxMessagesPerStatement = 1000;

    private readonly TimeSpan bucketWidth = aggregator.Value.BucketWidth;
    private readonly string countsSql = CountsStatement.Sql(postgres.Value.Schema, aggregator.Value.MaxSeriesPerTenantBucket);

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

        // A delivery can carry the same message twice (redelivery racing a slow ack): count it once, answer for both.
        var unique = new Dictionary<string, PendingMessage>(StringComparer.Ordinal);
        foreach (var message in messages.Where(m => !m.IsPoison))
        {
            if (unique.TryGetValue(message.MessageId, out var pending))
            {
                pending.Copies.Add(message);
                metrics.DuplicateInDelivery(message.EventCount);
            }
            else
            {
                unique[message.MessageId] = new PendingMessage(message, BucketAggregator.Aggregate(message, bucketWidth));
            }
        }

        // One statement per delivery up to MaxMessagesPerStatement (every delivery of the default bulk size): each
        // message takes one advisory lock until its statement commits, and Postgres's lock table is finite.
        foreach (var chunk in unique.Values.Chunk(MaxMessagesPerStatement))
        {
            await WriteAsync(chunk, statuses, cancellationToken).ConfigureAwait(false);
        }

        foreach (var poison in messages.Where(m => m.IsPoison))
        {
            statuses[poison.EntryId] = await DeadLetterAsync(poison, cancellationToken).ConfigureAwait(false);
        }

        return statuses;
    }

    /// <summary>Writes the messages in one statement; on a permanent error, each half on its own, down to single messages.</summary>
    private async Task WriteAsync(IReadOnlyList<PendingMessage> messages, Dictionary<string, DeliveryStatus> statuses, CancellationToken cancellationToken)
    {
        var events = messages.Sum(m => (long)m.Counts.EventCount);
        try
        {
            // The statement's row count is the number of events it counted for the first time (see CountsStatement).
            var added = await binding.ExecAsync(countsSql, CountsStatement.Params([.. messages.Select(m => m.Counts)]), cancellationToken).ConfigureAwait(false);
            metrics.Written(messages.Select(m => m.Message.Time), events, added, time.GetUtcNow());
            LogWritten(logger, messages.Count, events, added);
            Answer(messages, statuses, DeliveryStatus.Success);
        }
        catch (SinkException ex) when (ex.IsPermanent && messages.Count > 1)
        {
            LogSplitting(logger, messages.Count, ex.SqlState ?? "", ex.Message);
            var half = messages.Count / 2;
            await WriteAsync([.. messages.Take(half)], statuses, cancellationToken).ConfigureAwait(false);
            await WriteAsync([.. messages.Skip(half)], statuses, cancellationToken).ConfigureAwait(false);
        }
        catch (SinkException ex) when (ex.IsPermanent)
        {
            var refused = messages[0];
            var poison = refused.Message with
            {
                RawEvent = refused.Message.RawEvent ?? DeadLetterText(refused.Message),
                PoisonReason = $"Postgres refused the message (SQLSTATE {ex.SqlState}): {ex.Message}",
            };
            var status = await DeadLetterAsync(poison, cancellationToken).ConfigureAwait(false);
            foreach (var copy in refused.Copies)
            {
                statuses[copy.EntryId] = status;
            }
        }
        catch (SinkException ex)
        {
            metrics.Retried(messages.Sum(m => m.Copies.Count), RetryReasons.SinkUnavailable);
            LogSinkFailed(logger, messages.Count, events, ex.Message);
            Answer(messages, statuses, DeliveryStatus.Retry);
        }
    }

    /// <summary>A counted message keeps no events to rebuild its CloudEvent from, but the delivery is still in memory.</summary>
    private static string DeadLetterText(DecodedMessage message)
        => message.Events is null && !message.Delivered.IsEmpty
            ? Encoding.UTF8.GetString(message.Delivered.Span)
            : RebuiltCloudEvent.Json(message);

    private static void Answer(IReadOnlyList<PendingMessage> messages, Dictionary<string, DeliveryStatus> statuses, DeliveryStatus status)
    {
        foreach (var message in messages)
        {
            foreach (var copy in message.Copies)
            {
                statuses[copy.EntryId] = status;
            }
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
        catch (SinkException ex) when (!ex.IsPermanent)
        {
            // Without the reason recorded, dropping now would leave an unexplained dead letter; try again later.
            LogDeadLetterFailed(logger, poison.MessageId, ex.Message);
            metrics.Retried(1, RetryReasons.SinkUnavailable);
            return DeliveryStatus.Retry;
        }
        catch (SinkException ex)
        {
            // Not even a row without the payload can be stored: retrying cannot help, and the message must not stall
            // the others. Dapr still moves it to the dead-letter topic, where its arrival is recorded again.
            LogDeadLetterRefused(logger, poison.MessageId, poison.PoisonReason!, ex.Message);
            metrics.DeadLettered();
            return DeliveryStatus.Drop;
        }
    }

    /// <summary>One distinct message of a delivery, its counts, and every entry that carried it.</summary>
    private sealed class PendingMessage(DecodedMessage message, MessageCounts counts)
    {
        public DecodedMessage Message { get; } = message;

        public MessageCounts Counts { get; } = counts;

        public List<DecodedMessage> Copies { get; } = [message];
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Wrote {Messages} messages ({Events} events, {AddedEvents} new) in one statement")]
    private static partial void LogWritten(ILogger logger, int messages, long events, long addedEvents);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sink write failed for {Messages} messages ({Events} events), answering RETRY: {Error}")]
    private static partial void LogSinkFailed(ILogger logger, int messages, long events, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Postgres refused a write of {Messages} messages (SQLSTATE {SqlState}); writing each half on its own to isolate the message that causes it: {Error}")]
    private static partial void LogSplitting(ILogger logger, int messages, string sqlState, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording the dead-letter reason of message {MessageId} failed, answering RETRY: {Error}")]
    private static partial void LogDeadLetterFailed(ILogger logger, string messageId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} cannot be processed ({Reason}) and even its dead-letter record was refused, answering DROP: {Error}")]
    private static partial void LogDeadLetterRefused(ILogger logger, string messageId, string reason, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} cannot be processed and goes to the dead-letter topic: {Reason}")]
    private static partial void LogPoison(ILogger logger, string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schema not migrated yet; answering RETRY for {Messages} messages")]
    private static partial void LogSchemaNotReady(ILogger logger, int messages);
}
