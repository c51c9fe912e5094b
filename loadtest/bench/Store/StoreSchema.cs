using LogDapr.Aggregator.Database.Migrations;
using LogDapr.Aggregator.Database.Partitions;
using Npgsql;

namespace LogDapr.Bench.Store;

/// <summary>
/// A private schema with the aggregator's own migrations (so log_events has exactly the product's shape) and the daily
/// partitions a benchmark writes into. The search indexes are migration <see cref="SearchMigration"/>, applied apart so
/// the search benchmark can measure the same rows before and after them.
/// </summary>
public static class StoreSchema
{
    /// <summary>0006 creates log_events with its primary key only; 0007 adds the search indexes.</summary>
    public const int SearchMigration = 7;

    public static async Task CreateAsync(string connectionString, string schema, bool withSearchIndexes, IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}", cancellationToken).ConfigureAwait(false);
        foreach (var migration in MigrationCatalog.Load(schema).Where(m => withSearchIndexes || m.Version != SearchMigration))
        {
            await ExecuteAsync(connection, migration.Sql, cancellationToken).ConfigureAwait(false);
        }

        foreach (var day in days)
        {
            await DailyPartitions.LogEvents.CreateAsync(connection, schema, day, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The search migrations, as the product applies them, on rows already loaded; returns their names.</summary>
    public static async Task<IReadOnlyList<string>> AddSearchIndexesAsync(string connectionString, string schema, string? proposed, bool catalog, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        // Index builds on millions of rows: sort in memory and use both cores, as an operator would for a backfill.
        await ExecuteAsync(connection, "SET maintenance_work_mem = '1GB'; SET max_parallel_maintenance_workers = 2", cancellationToken).ConfigureAwait(false);
        var applied = new List<string>();
        foreach (var migration in MigrationCatalog.Load(schema).Where(m => catalog && m.Version == SearchMigration))
        {
            await ExecuteAsync(connection, migration.Sql, cancellationToken).ConfigureAwait(false);
            applied.Add(migration.Name);
        }

        if (proposed is not null)
        {
            var sql = await File.ReadAllTextAsync(proposed, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, sql.Replace("{schema}", schema, StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
            applied.Add("proposed " + Path.GetFileName(proposed));
        }

        await ExecuteAsync(connection, $"ANALYZE {schema}.log_events", cancellationToken).ConfigureAwait(false);
        return applied;
    }

    public static async Task AnalyzeAsync(string connectionString, string schema, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"ANALYZE {schema}.log_events", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Rows, and bytes on disk of every partition with its indexes and TOAST (pg_total_relation_size).</summary>
    public static async Task<StorageSize> SizeAsync(string connectionString, string schema, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"""
            SELECT (SELECT count(*) FROM {schema}.log_events),
                   coalesce(sum(pg_total_relation_size(relid)), 0)::bigint,
                   coalesce(sum(pg_indexes_size(relid)), 0)::bigint,
                   (SELECT coalesce(string_agg(indexname, ', ' ORDER BY indexname), '') FROM pg_indexes WHERE schemaname = @schema AND tablename = 'log_events')
            FROM pg_partition_tree('{schema}.log_events') WHERE isleaf
            """, connection);
        command.Parameters.AddWithValue("schema", schema);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new StorageSize(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3));
    }

    public static async Task DropAsync(string connectionString, string schema, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"DROP SCHEMA IF EXISTS {schema} CASCADE", cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>What a log_events table costs on disk.</summary>
public sealed record StorageSize(long Rows, long TotalBytes, long IndexBytes, string Indexes)
{
    public double BytesPerEvent => Rows == 0 ? 0 : TotalBytes / (double)Rows;
    public double IndexBytesPerEvent => Rows == 0 ? 0 : IndexBytes / (double)Rows;
}
