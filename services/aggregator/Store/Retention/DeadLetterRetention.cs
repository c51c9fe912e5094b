using LogDapr.Aggregator.Database;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Store;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LogDapr.Aggregator.Store.Retention;

/// <summary>
/// Retention of dead_letters, in the counter role, once across replicas: a dead letter is deleted once it was last seen
/// longer ago than its tenant's DeadLettersDays (the default for dead letters without a tenant).
/// </summary>
/// <remarks>
/// dead_letters stays unpartitioned and is trimmed by row, in batches. Its dedup is a UNIQUE index on message_id
/// (a redelivered dead letter bumps attempts/last_seen of its row); a partitioned table can only enforce uniqueness
/// on keys that include the partition key, and the natural key, last_seen, changes on every arrival, so partitioning
/// would either lose the dedup or need a lock-and-look-up scheme like count_messages'. Dead letters are few (messages
/// that failed, not traffic) and last_seen is indexed, so each batch is an index range.
/// </remarks>
public sealed class DeadLetterRetention(
    NpgsqlDataSource dataSource,
    IOptions<PostgresOptions> postgres,
    IOptions<StoreOptions> store,
    RetentionMetrics metrics,
    TimeProvider time,
    ILogger<DeadLetterRetention> logger) : ISchemaMaintenance
{
    public const string Job = "dead_letters";
    public const int DeleteBatch = 1_000;

    public Task RunAsync(CancellationToken cancellationToken)
        => RetentionJob.RunAsync(dataSource, Job, postgres.Value.Schema, metrics, logger, c => RunLockedAsync(c, cancellationToken), cancellationToken);

    private async Task<RetentionOutcome> RunLockedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var schema = postgres.Value.Schema;
        var policy = RetentionPolicy.From(store.Value.Retention, RetentionKind.DeadLetters);
        var now = time.GetUtcNow();
        long deleted = 0;
        foreach (var (tenant, days) in policy.Overrides)
        {
            await using var delete = new NpgsqlCommand($"""
                DELETE FROM {schema}.dead_letters WHERE id IN (
                    SELECT id FROM {schema}.dead_letters WHERE tenant_id = @tenant AND last_seen < @before ORDER BY id LIMIT @batch)
                """, connection);
            delete.Parameters.AddWithValue("tenant", tenant);
            delete.Parameters.AddWithValue("before", now.AddDays(-days));
            delete.Parameters.AddWithValue("batch", DeleteBatch);
            deleted += await RetentionJob.DeleteInBatchesAsync(delete, DeleteBatch, cancellationToken).ConfigureAwait(false);
        }

        await using (var delete = new NpgsqlCommand($"""
            DELETE FROM {schema}.dead_letters WHERE id IN (
                SELECT id FROM {schema}.dead_letters
                WHERE last_seen < @before AND (tenant_id IS NULL OR tenant_id <> ALL(@overridden))
                ORDER BY id LIMIT @batch)
            """, connection))
        {
            delete.Parameters.AddWithValue("before", now.AddDays(-policy.DefaultDays));
            delete.Parameters.AddWithValue("overridden", policy.Overrides.Keys.ToArray());
            delete.Parameters.AddWithValue("batch", DeleteBatch);
            deleted += await RetentionJob.DeleteInBatchesAsync(delete, DeleteBatch, cancellationToken).ConfigureAwait(false);
        }

        metrics.Deleted(Job, deleted);
        return new RetentionOutcome(0, deleted);
    }
}
