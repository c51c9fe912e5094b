using System.Diagnostics;
using Npgsql;

namespace LogDapr.Aggregator.Store.Retention;

/// <summary>Partitions dropped and rows deleted by one retention run.</summary>
public readonly record struct RetentionOutcome(int PartitionsDropped, long RowsDeleted);

/// <summary>Runs one retention job under its advisory lock, with its run metrics and logs.</summary>
public static partial class RetentionJob
{
    /// <returns>The outcome, or null when another replica held the lock.</returns>
    public static async Task<RetentionOutcome?> RunAsync(
        NpgsqlDataSource dataSource,
        string job,
        string schema,
        RetentionMetrics metrics,
        ILogger logger,
        Func<NpgsqlConnection, Task<RetentionOutcome>> work,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var held = await RetentionLock.TryAcquireAsync(dataSource, job, schema, cancellationToken).ConfigureAwait(false);
        if (held is null)
        {
            LogSkipped(logger, job);
            metrics.Run(job, RetentionMetrics.Skipped);
            return null;
        }

        try
        {
            var outcome = await work(held.Connection).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.Run(job, RetentionMetrics.Completed, elapsed);
            LogCompleted(logger, job, outcome.PartitionsDropped, outcome.RowsDeleted, elapsed.TotalMilliseconds);
            return outcome;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics.Run(job, RetentionMetrics.Failed);
            throw;
        }
    }

    /// <summary>Runs a DELETE that removes at most one batch until a batch comes back short.</summary>
    public static async Task<long> DeleteInBatchesAsync(NpgsqlCommand delete, int batch, CancellationToken cancellationToken)
    {
        long total = 0;
        int deleted;
        do
        {
            deleted = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            total += deleted;
        }
        while (deleted >= batch);

        return total;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Retention of {Table} skipped: another replica holds its lock")]
    private static partial void LogSkipped(ILogger logger, string table);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention of {Table}: dropped {Partitions} partitions, deleted {Rows} rows in {ElapsedMs} ms")]
    private static partial void LogCompleted(ILogger logger, string table, int partitions, long rows, double elapsedMs);
}
