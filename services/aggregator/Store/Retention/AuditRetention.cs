using LogDapr.Aggregator.Audit;
using LogDapr.Aggregator.Database;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Store;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LogDapr.Aggregator.Store.Retention;

/// <summary>
/// Retention of audit_log, once across replicas and roles: a record is deleted once it is older than
/// Store:Retention:AuditDays. The table refuses every other DELETE (its trigger); each batch runs in a transaction that
/// sets <see cref="AuditSql.RetentionSetting"/> for itself only, which is what the trigger lets through.
/// </summary>
public sealed class AuditRetention(
    NpgsqlDataSource dataSource,
    IOptions<PostgresOptions> postgres,
    IOptions<StoreOptions> store,
    RetentionMetrics metrics,
    TimeProvider time,
    ILogger<AuditRetention> logger) : ISchemaMaintenance
{
    public const string Job = AuditSql.Table;
    public const int DeleteBatch = 1_000;

    public Task RunAsync(CancellationToken cancellationToken)
        => RetentionJob.RunAsync(dataSource, Job, postgres.Value.Schema, metrics, logger, c => RunLockedAsync(c, cancellationToken), cancellationToken);

    private async Task<RetentionOutcome> RunLockedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow().AddDays(-store.Value.Retention.AuditDays);
        long deleted = 0;
        int batch;
        do
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var allow = new NpgsqlCommand($"SELECT set_config('{AuditSql.RetentionSetting}', 'on', true)", connection, transaction))
            {
                await allow.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var delete = new NpgsqlCommand($"""
                DELETE FROM {postgres.Value.Schema}.{AuditSql.Table} WHERE id IN (
                    SELECT id FROM {postgres.Value.Schema}.{AuditSql.Table} WHERE at < @before ORDER BY id LIMIT @batch)
                """, connection, transaction))
            {
                delete.Parameters.AddWithValue("before", before);
                delete.Parameters.AddWithValue("batch", DeleteBatch);
                batch = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            deleted += batch;
        }
        while (batch >= DeleteBatch);

        metrics.Deleted(Job, deleted);
        return new RetentionOutcome(0, deleted);
    }
}
