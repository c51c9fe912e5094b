extern alias DevSidecar;

using System.Collections.Concurrent;
using System.Diagnostics;
using DevSidecar::LogDapr.DevSidecar.Bindings;
using LogDapr.Aggregator.Store.Writing;
using LogDapr.Configuration.Store;
using LogDapr.Contracts.Events;
using Npgsql;

namespace LogDapr.Bench.Store;

/// <summary>
/// The store's write path against its ceiling, side by side in one Postgres: the very statement the store sends
/// (<see cref="EventRowsStatement"/>, chunked by the store's default limits, its params bound the way Dapr's
/// PostgreSQL binding binds them — the development sidecar's <see cref="PostgresBindingParameters"/>) into a
/// migrated log_events, then a binary COPY of the same rows into a second log_events of the same shape (same
/// migrations, partitions, primary key and indexes). Then every chunk is sent again, as a redelivery would be:
/// it must store nothing.
/// </summary>
public static class StoreWriteBenchmark
{
    public const string StatementSchema = "bench_store_statement";
    public const string CopySchema = "bench_store_copy";

    public static async Task<StoreWriteResult> RunAsync(string connectionString, long count, int streams, string? proposedIndexes, Action<string> log, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var source = new SyntheticEvents("bench-w-" + Guid.NewGuid().ToString("N")[..6], 4, today, 1, count);
        var receivedAt = DateTimeOffset.UtcNow;
        var events = new LogEvent[count];
        for (long i = 0; i < count; i++)
        {
            events[i] = source.Event(i);
        }

        // The rows and chunks the store would build (Row per event, chunks by its default limits), built before the clock starts.
        var defaults = new StoreOptions();
        var chunks = new List<(string Params, int Events)>();
        var rows = new List<byte[]>();
        var bytes = 0;
        for (long i = 0; i < count; i++)
        {
            var row = EventRowsStatement.Row(events[i], EventCopy.MessageId(i), receivedAt);
            if (rows.Count > 0 && (bytes + row.Length > defaults.MaxStatementBytes || rows.Count >= defaults.MaxEventsPerStatement))
            {
                chunks.Add((EventRowsStatement.Params(rows), rows.Count));
                rows.Clear();
                bytes = 0;
            }

            rows.Add(row);
            bytes += row.Length;
        }

        if (rows.Count > 0)
        {
            chunks.Add((EventRowsStatement.Params(rows), rows.Count));
        }

        await StoreSchema.CreateAsync(connectionString, StatementSchema, withSearchIndexes: true, [today], cancellationToken).ConfigureAwait(false);
        await StoreSchema.CreateAsync(connectionString, CopySchema, withSearchIndexes: true, [today], cancellationToken).ConfigureAwait(false);
        if (proposedIndexes is not null)
        {
            // Indexes cost writes: both tables get the proposed ones too.
            await StoreSchema.AddSearchIndexesAsync(connectionString, StatementSchema, proposedIndexes, catalog: false, cancellationToken).ConfigureAwait(false);
            await StoreSchema.AddSearchIndexesAsync(connectionString, CopySchema, proposedIndexes, catalog: false, cancellationToken).ConfigureAwait(false);
        }

        log($"Store statement: {count:N0} events in {chunks.Count:N0} statements of at most {defaults.MaxEventsPerStatement:N0} events, {streams} in flight");
        var sql = EventRowsStatement.Sql(StatementSchema);
        var watch = Stopwatch.StartNew();
        var stored = await ExecuteAllAsync(connectionString, sql, chunks, streams, cancellationToken).ConfigureAwait(false);
        var statementElapsed = watch.Elapsed;

        log("Store statement: every chunk again (a redelivery)");
        var again = await ExecuteAllAsync(connectionString, sql, chunks, streams, cancellationToken).ConfigureAwait(false);
        var statementSize = await StoreSchema.SizeAsync(connectionString, StatementSchema, cancellationToken).ConfigureAwait(false);

        log($"COPY: {count:N0} events, {streams} streams, into a log_events of the same shape");
        var perStream = count / streams;
        watch.Restart();
        var copied = await Task.WhenAll(Enumerable.Range(0, streams).Select(s =>
        {
            var offset = s * perStream;
            var n = s == streams - 1 ? count - offset : perStream;
            return EventCopy.WriteAsync(connectionString, CopySchema, n, i => events[i], offset, _ => receivedAt, cancellationToken);
        })).ConfigureAwait(false);
        var copyElapsed = watch.Elapsed;
        var copySize = await StoreSchema.SizeAsync(connectionString, CopySchema, cancellationToken).ConfigureAwait(false);

        await StoreSchema.DropAsync(connectionString, StatementSchema, cancellationToken).ConfigureAwait(false);
        await StoreSchema.DropAsync(connectionString, CopySchema, cancellationToken).ConfigureAwait(false);
        return new StoreWriteResult(count, chunks.Count, streams, statementElapsed, stored, again, statementSize, copyElapsed, copied.Sum(), copySize);
    }

    /// <summary>Each chunk once, <paramref name="streams"/> at a time; the sum of their row counts (the binding's rows-affected).</summary>
    private static async Task<long> ExecuteAllAsync(string connectionString, string sql, List<(string Params, int Events)> chunks, int streams, CancellationToken cancellationToken)
    {
        var queue = new ConcurrentQueue<(string Params, int Events)>(chunks);
        var affected = await Task.WhenAll(Enumerable.Range(0, streams).Select(async _ =>
        {
            long sum = 0;
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            while (queue.TryDequeue(out var chunk))
            {
                await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
                command.Parameters.AddRange(PostgresBindingParameters.Parse(chunk.Params));
                sum += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return sum;
        })).ConfigureAwait(false);
        return affected.Sum();
    }
}

public sealed record StoreWriteResult(
    long Events, int Statements, int Streams,
    TimeSpan StatementElapsed, long StoredFirstTime, long StoredOnRedelivery, StorageSize StatementSize,
    TimeSpan CopyElapsed, long Copied, StorageSize CopySize)
{
    public double StatementEventsPerSecond => Events / StatementElapsed.TotalSeconds;
    public double CopyEventsPerSecond => Events / CopyElapsed.TotalSeconds;
    public double Ratio => StatementEventsPerSecond / CopyEventsPerSecond;

    /// <summary>Every event stored by the first pass, none by the second, and the table holds exactly the events; COPY wrote them all.</summary>
    public bool ExactlyOnce => StoredFirstTime == Events && StoredOnRedelivery == 0 && StatementSize.Rows == Events && Copied == Events && CopySize.Rows == Events;
}
