using System.Diagnostics;
using LogDapr.Aggregator.Database;
using LogDapr.Aggregator.Database.Partitions;
using LogDapr.Aggregator.Store.Archive;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Store;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LogDapr.Aggregator.Store.Retention;

/// <summary>
/// Retention of log_events, in the store role, once across replicas (an advisory lock; a replica that does not get it
/// skips the run). A daily partition is dropped once it is older than the LONGEST retention of any tenant; inside the
/// partitions still kept, each tenant whose retention is shorter loses its expired days by row, one (tenant, day)
/// range of the primary key at a time; the default partition (days without a partition) is trimmed by row the same
/// way. With Store:Archive:Enabled every tenant-day is exported first, and nothing of a day is removed until its
/// export succeeded: a failure leaves it for the next run.
/// </summary>
public sealed partial class EventRetention(
    NpgsqlDataSource dataSource,
    IOptions<PostgresOptions> postgres,
    IOptions<StoreOptions> store,
    ITenantDayArchive archive,
    RetentionMetrics metrics,
    TimeProvider time,
    ILogger<EventRetention> logger) : ISchemaMaintenance
{
    public const string Job = "log_events";

    /// <summary>Rows one DELETE removes, so no statement holds locks or WAL for a whole tenant-day at once.</summary>
    public const int DeleteBatch = 10_000;

    private static readonly DailyPartitions Partitions = DailyPartitions.LogEvents;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var schema = postgres.Value.Schema;
        var started = Stopwatch.GetTimestamp();
        await using var held = await RetentionLock.TryAcquireAsync(dataSource, Job, schema, cancellationToken).ConfigureAwait(false);
        if (held is null)
        {
            LogSkipped(logger, Job);
            metrics.Run(Job, RetentionMetrics.Skipped);
            return;
        }

        try
        {
            var summary = await RunLockedAsync(held.Connection, schema, cancellationToken).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.Run(Job, RetentionMetrics.Completed, elapsed);
            LogCompleted(logger, Job, summary.PartitionsDropped, summary.RowsDeleted, summary.DaysLeft, elapsed.TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics.Run(Job, RetentionMetrics.Failed);
            throw;
        }
    }

    private async Task<RetentionSummary> RunLockedAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        var policy = RetentionPolicy.From(store.Value.Retention, RetentionKind.Events);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var summary = new RetentionSummary();
        var days = new SortedDictionary<DateOnly, string>();
        foreach (var name in await Partitions.ListAsync(connection, schema, cancellationToken).ConfigureAwait(false))
        {
            if (Partitions.TryParseDay(name, out var day))
            {
                days[day] = name;
            }
        }

        foreach (var (day, partition) in days)
        {
            if (RetentionPolicy.IsExpired(day, today, policy.LongestDays))
            {
                await DropAsync(connection, schema, partition, day, summary, cancellationToken).ConfigureAwait(false);
            }
            else if (RetentionPolicy.IsExpired(day, today, policy.ShortestDays))
            {
                // Some tenant no longer keeps this day: remove exactly those tenants' rows.
                foreach (var tenant in await TenantsAsync(connection, schema, partition, cancellationToken).ConfigureAwait(false))
                {
                    if (RetentionPolicy.IsExpired(day, today, policy.DaysFor(tenant)))
                    {
                        await RemoveTenantDayAsync(connection, schema, partition, tenant, day, summary, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }

        // The default partition holds days that had no partition when written (far past or future, or before the
        // partitions were created): each tenant loses its days past its own retention, by row.
        foreach (var tenant in await TenantsAsync(connection, schema, Partitions.DefaultPartition, cancellationToken).ConfigureAwait(false))
        {
            var firstKept = policy.FirstKeptDay(tenant, today);
            foreach (var day in await DefaultDaysBeforeAsync(connection, schema, tenant, firstKept, cancellationToken).ConfigureAwait(false))
            {
                await RemoveTenantDayAsync(connection, schema, Partitions.DefaultPartition, tenant, day, summary, cancellationToken).ConfigureAwait(false);
            }
        }

        return summary;
    }

    private async Task DropAsync(NpgsqlConnection connection, string schema, string partition, DateOnly day, RetentionSummary summary, CancellationToken cancellationToken)
    {
        if (archive.Enabled)
        {
            foreach (var tenant in await TenantsAsync(connection, schema, partition, cancellationToken).ConfigureAwait(false))
            {
                if (!await TryArchiveAsync(connection, tenant, day, cancellationToken).ConfigureAwait(false))
                {
                    // The day stays whole until every tenant's export of it succeeded.
                    summary.DaysLeft++;
                    return;
                }
            }
        }

        // The name comes from pg_inherits and parsed as a day partition of log_events, never from input.
        await using var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS {schema}.{partition}", connection);
        await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        summary.PartitionsDropped++;
        metrics.Dropped(Job);
        LogDropped(logger, partition);
    }

    private async Task RemoveTenantDayAsync(NpgsqlConnection connection, string schema, string partition, string tenant, DateOnly day, RetentionSummary summary, CancellationToken cancellationToken)
    {
        if (archive.Enabled && !await TryArchiveAsync(connection, tenant, day, cancellationToken).ConfigureAwait(false))
        {
            summary.DaysLeft++;
            return;
        }

        // A range of the primary key (tenant_id, event_day, event_id), in bounded batches.
        await using var delete = new NpgsqlCommand($"""
            DELETE FROM {schema}.{partition}
            WHERE tenant_id = @tenant AND event_day = @day AND event_id IN (
                SELECT event_id FROM {schema}.{partition}
                WHERE tenant_id = @tenant AND event_day = @day
                LIMIT @batch)
            """, connection);
        delete.Parameters.AddWithValue("tenant", tenant);
        delete.Parameters.AddWithValue("day", day);
        delete.Parameters.AddWithValue("batch", DeleteBatch);
        long total = 0;
        int deleted;
        do
        {
            deleted = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            total += deleted;
        }
        while (deleted == DeleteBatch);

        if (total > 0)
        {
            summary.RowsDeleted += total;
            metrics.Deleted(Job, total);
            LogDeleted(logger, total, tenant, day);
        }
    }

    private async Task<bool> TryArchiveAsync(NpgsqlConnection connection, string tenant, DateOnly day, CancellationToken cancellationToken)
    {
        try
        {
            var manifest = await archive.ArchiveAsync(connection, tenant, day, cancellationToken).ConfigureAwait(false);
            LogArchived(logger, tenant, day, manifest.EventCount, manifest.Parts.Count);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics.ArchiveFailed(Job);
            LogArchiveFailed(logger, tenant, day, ex.Message);
            return false;
        }
    }

    /// <summary>
    /// The distinct tenants of one partition, by walking the primary key's leading column (a loose index scan: one
    /// probe per tenant, not a scan of the rows).
    /// </summary>
    private static async Task<List<string>> TenantsAsync(NpgsqlConnection connection, string schema, string partition, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            WITH RECURSIVE t(tenant_id) AS (
                (SELECT tenant_id FROM {schema}.{partition} ORDER BY tenant_id LIMIT 1)
                UNION ALL
                SELECT (SELECT p.tenant_id FROM {schema}.{partition} p WHERE p.tenant_id > t.tenant_id ORDER BY p.tenant_id LIMIT 1)
                FROM t WHERE t.tenant_id IS NOT NULL)
            SELECT tenant_id FROM t WHERE tenant_id IS NOT NULL
            """, connection);
        var tenants = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tenants.Add(reader.GetString(0));
        }

        return tenants;
    }

    /// <summary>The days before <paramref name="firstKept"/> the tenant has rows of in the default partition (a loose index scan of the key).</summary>
    private static async Task<List<DateOnly>> DefaultDaysBeforeAsync(NpgsqlConnection connection, string schema, string tenant, DateOnly firstKept, CancellationToken cancellationToken)
    {
        var table = $"{schema}.{Partitions.DefaultPartition}";
        await using var command = new NpgsqlCommand($"""
            WITH RECURSIVE d(event_day) AS (
                (SELECT event_day FROM {table} WHERE tenant_id = @tenant AND event_day < @before ORDER BY event_day LIMIT 1)
                UNION ALL
                SELECT (SELECT p.event_day FROM {table} p
                        WHERE p.tenant_id = @tenant AND p.event_day > d.event_day AND p.event_day < @before
                        ORDER BY p.event_day LIMIT 1)
                FROM d WHERE d.event_day IS NOT NULL)
            SELECT event_day FROM d WHERE event_day IS NOT NULL
            """, connection);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("before", firstKept);
        var days = new List<DateOnly>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            days.Add(reader.GetFieldValue<DateOnly>(0));
        }

        return days;
    }

    private sealed class RetentionSummary
    {
        public int PartitionsDropped { get; set; }

        public long RowsDeleted { get; set; }

        public int DaysLeft { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Retention of {Table} skipped: another replica holds its lock")]
    private static partial void LogSkipped(ILogger logger, string table);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention of {Table}: dropped {Partitions} partitions, deleted {Rows} rows, left {DaysLeft} tenant-days whose archive failed, in {ElapsedMs} ms")]
    private static partial void LogCompleted(ILogger logger, string table, int partitions, long rows, int daysLeft, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped expired log_events partition {Partition}")]
    private static partial void LogDropped(ILogger logger, string partition);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Rows} expired events of tenant {Tenant} on {Day}")]
    private static partial void LogDeleted(ILogger logger, long rows, string tenant, DateOnly day);

    [LoggerMessage(Level = LogLevel.Information, Message = "Archived {Events} events of tenant {Tenant} on {Day} in {Parts} parts")]
    private static partial void LogArchived(ILogger logger, string tenant, DateOnly day, long events, int parts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Archive of tenant {Tenant} on {Day} failed; its events stay until a later run archives them: {Error}")]
    private static partial void LogArchiveFailed(ILogger logger, string tenant, DateOnly day, string error);
}
