using LogDapr.Aggregator.Database;
using LogDapr.Aggregator.Database.Partitions;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Store;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LogDapr.Aggregator.Store.Retention;

/// <summary>
/// Retention of log_counts (and bucket_series, the per-bucket series tally that goes with it), in the counter role,
/// once across replicas. Both are partitioned by UTC month of bucket_start (migration 0008): this upkeep creates the
/// months still retained and the next one, and drops a month once all of it is older than the LONGEST counts retention
/// of any tenant, so the longest retention is honoured to the month (a bucket is gone between CountsDays and CountsDays
/// plus a month after it). Tenants with a shorter retention lose their expired buckets by row, one key range
/// (tenant_id, bucket_start) each, in batches; the default partition is trimmed by row.
/// </summary>
public sealed partial class CountsRetention(
    NpgsqlDataSource dataSource,
    IOptions<PostgresOptions> postgres,
    IOptions<StoreOptions> store,
    RetentionMetrics metrics,
    TimeProvider time,
    ILogger<CountsRetention> logger) : ISchemaMaintenance
{
    public const string Job = "log_counts";
    public const int DeleteBatch = 10_000;

    private static readonly MonthlyPartitions[] Tables = [MonthlyPartitions.LogCounts, MonthlyPartitions.BucketSeries];

    public Task RunAsync(CancellationToken cancellationToken)
        => RetentionJob.RunAsync(dataSource, Job, postgres.Value.Schema, metrics, logger, c => RunLockedAsync(c, cancellationToken), cancellationToken);

    private async Task<RetentionOutcome> RunLockedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var schema = postgres.Value.Schema;
        var policy = RetentionPolicy.From(store.Value.Retention, RetentionKind.Counts);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var firstKept = today.AddDays(-policy.LongestDays);
        var dropped = 0;
        long deleted = 0;
        foreach (var table in Tables)
        {
            var existing = await table.ListAsync(connection, schema, cancellationToken).ConfigureAwait(false);
            for (var month = MonthlyPartitions.MonthOf(firstKept); month <= MonthlyPartitions.MonthOf(today).AddMonths(1); month = month.AddMonths(1))
            {
                if (!existing.Contains(table.PartitionName(month)))
                {
                    LogCreated(logger, await table.CreateAsync(connection, schema, month, cancellationToken).ConfigureAwait(false));
                }
            }

            foreach (var name in existing.Order(StringComparer.Ordinal))
            {
                if (table.TryParseMonth(name, out var month) && month.AddMonths(1) <= firstKept)
                {
                    // The name comes from pg_inherits and parses as a month partition, never from input.
                    await using var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS {schema}.{name}", connection);
                    await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    dropped++;
                    metrics.Dropped(table.Table);
                    LogDropped(logger, name);
                }
            }

            await using var trim = new NpgsqlCommand($"""
                DELETE FROM {schema}.{table.DefaultPartition} WHERE ctid = ANY(ARRAY(
                    SELECT ctid FROM {schema}.{table.DefaultPartition} WHERE bucket_start < @before LIMIT @batch))
                """, connection);
            trim.Parameters.AddWithValue("before", Midnight(firstKept));
            trim.Parameters.AddWithValue("batch", DeleteBatch);
            var trimmed = await RetentionJob.DeleteInBatchesAsync(trim, DeleteBatch, cancellationToken).ConfigureAwait(false);
            metrics.Deleted(table.Table, trimmed);
            deleted += trimmed;

            foreach (var tenant in await ShorterTenantsAsync(connection, schema, table, policy, cancellationToken).ConfigureAwait(false))
            {
                var rows = await DeleteTenantAsync(connection, schema, table, tenant, Midnight(policy.FirstKeptDay(tenant, today)), cancellationToken).ConfigureAwait(false);
                if (rows > 0)
                {
                    metrics.Deleted(table.Table, rows);
                    LogDeleted(logger, rows, table.Table, tenant, policy.DaysFor(tenant));
                    deleted += rows;
                }
            }
        }

        return new RetentionOutcome(dropped, deleted);
    }

    /// <summary>
    /// Tenants whose retention is shorter than the longest: the overrides shorter than it and, when the default is
    /// shorter, every tenant of the table without an override (a loose scan of the key's leading column).
    /// </summary>
    private static async Task<List<string>> ShorterTenantsAsync(NpgsqlConnection connection, string schema, MonthlyPartitions table, RetentionPolicy policy, CancellationToken cancellationToken)
    {
        if (policy.DefaultDays >= policy.LongestDays)
        {
            return [.. policy.Overrides.Where(o => o.Value < policy.LongestDays).Select(o => o.Key)];
        }

        await using var command = new NpgsqlCommand($"""
            WITH RECURSIVE t(tenant_id) AS (
                (SELECT tenant_id FROM {schema}.{table.Table} ORDER BY tenant_id LIMIT 1)
                UNION ALL
                SELECT (SELECT p.tenant_id FROM {schema}.{table.Table} p WHERE p.tenant_id > t.tenant_id ORDER BY p.tenant_id LIMIT 1)
                FROM t WHERE t.tenant_id IS NOT NULL)
            SELECT tenant_id FROM t WHERE tenant_id IS NOT NULL
            """, connection);
        var tenants = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var tenant = reader.GetString(0);
            if (policy.DaysFor(tenant) < policy.LongestDays)
            {
                tenants.Add(tenant);
            }
        }

        return tenants;
    }

    private static async Task<long> DeleteTenantAsync(NpgsqlConnection connection, string schema, MonthlyPartitions table, string tenant, DateTimeOffset before, CancellationToken cancellationToken)
    {
        // (tenant_id, bucket_start) leads both primary keys: one index range per partition below the cutoff.
        await using var delete = new NpgsqlCommand($"""
            DELETE FROM {schema}.{table.Table}
            WHERE tenant_id = @tenant AND bucket_start < @before AND (tableoid, ctid) IN (
                SELECT tableoid, ctid FROM {schema}.{table.Table} WHERE tenant_id = @tenant AND bucket_start < @before LIMIT @batch)
            """, connection);
        delete.Parameters.AddWithValue("tenant", tenant);
        delete.Parameters.AddWithValue("before", before);
        delete.Parameters.AddWithValue("batch", DeleteBatch);
        return await RetentionJob.DeleteInBatchesAsync(delete, DeleteBatch, cancellationToken).ConfigureAwait(false);
    }

    private static DateTimeOffset Midnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created counts partition {Partition}")]
    private static partial void LogCreated(ILogger logger, string partition);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped expired counts partition {Partition}")]
    private static partial void LogDropped(ILogger logger, string partition);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Rows} expired rows of {Table} of tenant {Tenant} (kept {Days} days)")]
    private static partial void LogDeleted(ILogger logger, long rows, string table, string tenant, int days);
}
