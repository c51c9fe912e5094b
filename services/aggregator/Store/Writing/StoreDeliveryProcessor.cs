using LogDapr.Aggregator.Database;
using LogDapr.Aggregator.DeadLetters;
using LogDapr.Aggregator.Decoding;
using LogDapr.Aggregator.Observability;
using LogDapr.Aggregator.Sink;
using LogDapr.Aggregator.Store.Observability;
using LogDapr.Aggregator.Subscriptions;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Store;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Store.Writing;

/// <summary>
/// The store role's answer to a delivery: every event of every valid message inserted into log_events exactly once,
/// in as few binding calls as the statement size allows. Each event is its own dedup key, so a message may be split
/// across statements and a partly stored message retried whole: what is already there is skipped.
/// </summary>
/// <remarks>
/// A transient failure answers RETRY for every message not yet fully stored. A permanent one (Postgres refuses a row)
/// is narrowed down by halving to the one event that causes it; its message is recorded as a dead letter with a
/// <c>store:</c> reason and answered DROP, every other message is stored. Undecodable messages are acknowledged: the
/// counter, reading the same topic, records them as dead letters already.
/// </remarks>
public sealed partial class StoreDeliveryProcessor(
    ISqlBinding binding,
    DeadLetterWriter deadLetters,
    SchemaReadiness schema,
    IOptions<StoreOptions> store,
    IOptions<PostgresOptions> postgres,
    StoreMetrics metrics,
    AggregatorMetrics deliveryMetrics,
    TimeProvider time,
    ILogger<StoreDeliveryProcessor> logger) : ILogsDeliveryProcessor
{
    private readonly string sql = EventRowsStatement.Sql(postgres.Value.Schema);
    private readonly int maxStatementBytes = store.Value.MaxStatementBytes;
    private readonly int maxEventsPerStatement = store.Value.MaxEventsPerStatement;

    /// <summary>
    /// Statements of one delivery running at once. Two measured 1.2-1.5x the events/s of one at the SQL level on the
    /// 2-core machine with migration 0007's indexes (docs/benchmarks.md, store section); each holds one connection of
    /// the binding's pool.
    /// </summary>
    internal const int StatementsInFlight = 2;

    public async Task<Dictionary<string, DeliveryStatus>> ProcessAsync(IReadOnlyList<DecodedMessage> messages, CancellationToken cancellationToken)
    {
        var statuses = new Dictionary<string, DeliveryStatus>(messages.Count, StringComparer.Ordinal);
        if (!schema.IsReady)
        {
            LogSchemaNotReady(logger, messages.Count);
            deliveryMetrics.Retried(messages.Count, RetryReasons.SchemaNotReady);
            foreach (var message in messages)
            {
                statuses[message.EntryId] = DeliveryStatus.Retry;
            }

            return statuses;
        }

        var pending = new Dictionary<string, PendingMessage>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            if (message.IsPoison)
            {
                metrics.SkippedPoison();
                statuses[message.EntryId] = DeliveryStatus.Success;
            }
            else if (pending.TryGetValue(message.MessageId, out var same))
            {
                same.Copies.Add(message);
            }
            else
            {
                pending[message.MessageId] = new PendingMessage(message);
            }
        }

        var rows = pending.Values
            .SelectMany(m => m.Message.Events!.Select(e => new PendingRow(m, EventRowsStatement.Row(e, m.Message.MessageId, m.Message.Time))))
            .ToList();
        // Postgres executing one statement is most of a statement's cost (to_tsvector and the GIN, btree and heap
        // inserts, on one backend), so a delivery keeps StatementsInFlight statements running while it builds the
        // next. Each statement still inserts its rows in key order, so concurrent statements never deadlock.
        var unavailable = false;
        var inFlight = new List<Task<bool>>(StatementsInFlight);
        foreach (var chunk in Chunk(rows))
        {
            unavailable |= await ReapAsync(inFlight, StatementsInFlight - 1).ConfigureAwait(false);
            if (unavailable)
            {
                // As before: once the binding is seen unavailable no new statement starts; its rows are retried.
                Mark(chunk, PendingOutcome.Retry);
                continue;
            }

            inFlight.Add(WriteAsync(chunk, cancellationToken));
        }

        unavailable |= await ReapAsync(inFlight, 0).ConfigureAwait(false);

        foreach (var message in pending.Values)
        {
            var status = message.Outcome switch
            {
                PendingOutcome.Retry => DeliveryStatus.Retry,
                PendingOutcome.Refused => await RefuseAsync(message, cancellationToken).ConfigureAwait(false),
                _ => DeliveryStatus.Success,
            };
            if (status == DeliveryStatus.Retry)
            {
                deliveryMetrics.Retried(message.Copies.Count, RetryReasons.SinkUnavailable);
            }

            foreach (var copy in message.Copies)
            {
                statuses[copy.EntryId] = status;
            }
        }

        return statuses;
    }

    /// <summary>Collects the finished writes, then waits until at most <paramref name="keep"/> are still running.</summary>
    /// <returns>True when a finished write found the binding unavailable.</returns>
    private static async Task<bool> ReapAsync(List<Task<bool>> inFlight, int keep)
    {
        var unavailable = false;
        while (true)
        {
            for (var i = inFlight.Count - 1; i >= 0; i--)
            {
                if (inFlight[i].IsCompleted)
                {
                    unavailable |= !await inFlight[i].ConfigureAwait(false);
                    inFlight.RemoveAt(i);
                }
            }

            if (inFlight.Count <= keep)
            {
                return unavailable;
            }

            await Task.WhenAny(inFlight).ConfigureAwait(false);
        }
    }

    /// <returns>False when the binding is unavailable (the rows are marked for RETRY).</returns>
    private async Task<bool> WriteAsync(IReadOnlyList<PendingRow> rows, CancellationToken cancellationToken)
    {
        try
        {
            var added = await binding.ExecAsync(sql, EventRowsStatement.Params(rows.Select(r => r.Json)), cancellationToken).ConfigureAwait(false);
            metrics.Written(rows.Select(r => r.Message).Distinct().Select(m => m.Message.Time), rows.Count, added, time.GetUtcNow());
            LogWritten(logger, rows.Count, added);
            return true;
        }
        catch (SinkException ex) when (ex.IsPermanent && rows.Count > 1)
        {
            LogSplitting(logger, rows.Count, ex.SqlState ?? "", ex.Message);
            var half = rows.Count / 2;
            return await WriteAsync([.. rows.Take(half)], cancellationToken).ConfigureAwait(false)
                && await WriteAsync([.. rows.Skip(half)], cancellationToken).ConfigureAwait(false);
        }
        catch (SinkException ex) when (ex.IsPermanent)
        {
            var message = rows[0].Message;
            message.Refuse($"store: Postgres refused an event of the message (SQLSTATE {ex.SqlState}): {ex.Message}");
            return true;
        }
        catch (SinkException ex)
        {
            LogSinkFailed(logger, rows.Count, ex.Message);
            Mark(rows, PendingOutcome.Retry);
            return false;
        }
    }

    private async Task<DeliveryStatus> RefuseAsync(PendingMessage refused, CancellationToken cancellationToken)
    {
        var poison = refused.Message with
        {
            RawEvent = refused.Message.RawEvent ?? RebuiltCloudEvent.Json(refused.Message),
            PoisonReason = refused.RefusedBecause,
        };
        try
        {
            await deadLetters.RecordRejectionAsync(poison, cancellationToken).ConfigureAwait(false);
            LogRefused(logger, poison.MessageId, poison.PoisonReason!);
            metrics.Refused();
            return DeliveryStatus.Drop;
        }
        catch (SinkException ex)
        {
            // Without the reason recorded the dead letter would be unexplained; deliver again and decide then.
            LogDeadLetterFailed(logger, poison.MessageId, ex.Message);
            return DeliveryStatus.Retry;
        }
    }

    private IEnumerable<List<PendingRow>> Chunk(List<PendingRow> rows)
    {
        var chunk = new List<PendingRow>();
        var bytes = 0L;
        foreach (var row in rows)
        {
            // A JSON string escapes each row's quotes once more inside params: budget twice the row, conservatively.
            var size = (row.Json.Length * 2L) + 1;
            if (chunk.Count > 0 && (bytes + size > maxStatementBytes || chunk.Count >= maxEventsPerStatement))
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }

            chunk.Add(row);
            bytes += size;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    private static void Mark(IEnumerable<PendingRow> rows, PendingOutcome outcome)
    {
        foreach (var row in rows)
        {
            row.Message.Escalate(outcome);
        }
    }

    private sealed record PendingRow(PendingMessage Message, byte[] Json);

    /// <summary>Ordered by precedence: a message with any row to retry is retried whole, even if another row was refused.</summary>
    private enum PendingOutcome
    {
        Stored,
        Refused,
        Retry,
    }

    private sealed class PendingMessage(DecodedMessage message)
    {
        public DecodedMessage Message { get; } = message;

        public List<DecodedMessage> Copies { get; } = [message];

        // A message's rows may span statements that run at once: their outcomes meet here.
        private readonly Lock gate = new();
        private PendingOutcome outcome;
        private string? refusedBecause;

        public PendingOutcome Outcome
        {
            get
            {
                lock (gate)
                {
                    return outcome;
                }
            }
        }

        public string? RefusedBecause
        {
            get
            {
                lock (gate)
                {
                    return refusedBecause;
                }
            }
        }

        public void Refuse(string reason)
        {
            lock (gate)
            {
                refusedBecause ??= reason;
                outcome = PendingOutcome.Refused > outcome ? PendingOutcome.Refused : outcome;
            }
        }

        public void Escalate(PendingOutcome to)
        {
            lock (gate)
            {
                outcome = to > outcome ? to : outcome;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stored {Events} events in one statement ({AddedEvents} new)")]
    private static partial void LogWritten(ILogger logger, int events, long addedEvents);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing {Events} events failed, answering RETRY: {Error}")]
    private static partial void LogSinkFailed(ILogger logger, int events, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Postgres refused a store write of {Events} events (SQLSTATE {SqlState}); writing each half on its own to isolate the event that causes it: {Error}")]
    private static partial void LogSplitting(ILogger logger, int events, string sqlState, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} cannot be stored and goes to the dead-letter topic: {Reason}")]
    private static partial void LogRefused(ILogger logger, string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording why message {MessageId} cannot be stored failed, answering RETRY: {Error}")]
    private static partial void LogDeadLetterFailed(ILogger logger, string messageId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schema not migrated yet; answering RETRY for {Messages} messages")]
    private static partial void LogSchemaNotReady(ILogger logger, int messages);
}
