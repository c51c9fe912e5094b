using System.Globalization;
using Npgsql;

namespace LogDapr.Aggregator.Database.Partitions;

/// <summary>
/// Keeps the dedup table's daily partitions (by the day each message id was first seen) ahead of time and drops
/// those past retention. Creating a partition
/// moves any rows of that day out of the default partition first, in the same transaction, so it never fails
/// because the default partition already holds that day.
/// </summary>
public sealed partial class PartitionMaintenance(NpgsqlDataSource dataSource, TimeProvider time, ILogger<PartitionMaintenance> logger)
{
    public async Task RunAsync(string schema, int retentionDays, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var existing = await ListPartitionsAsync(connection, schema, cancellationToken).ConfigureAwait(false);

        foreach (var day in DedupPartitionPlan.DaysToEnsure(today).Where(d => !existing.Contains(DedupPartitionPlan.PartitionName(d))))
        {
            await CreatePartitionAsync(connection, schema, day, cancellationToken).ConfigureAwait(false);
        }

        foreach (var name in existing)
        {
            if (DedupPartitionPlan.TryParseDay(name, out var day) && DedupPartitionPlan.IsExpired(day, today, retentionDays))
            {
                await using var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS {schema}.{name}", connection);
                await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                LogDropped(logger, name, retentionDays);
            }
        }

        await using var trim = new NpgsqlCommand(
            $"DELETE FROM {schema}.processed_messages_default WHERE processed_at < now() - make_interval(days => @days)", connection);
        trim.Parameters.AddWithValue("days", retentionDays);
        var trimmed = await trim.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (trimmed > 0)
        {
            LogTrimmed(logger, trimmed);
        }
    }

    private static async Task<HashSet<string>> ListPartitionsAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT c.relname
            FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent
            JOIN pg_namespace n ON n.oid = p.relnamespace
            WHERE n.nspname = @schema AND p.relname = 'processed_messages'
            """, connection);
        command.Parameters.AddWithValue("schema", schema);
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private async Task CreatePartitionAsync(NpgsqlConnection connection, string schema, DateOnly day, CancellationToken cancellationToken)
    {
        var name = DedupPartitionPlan.PartitionName(day);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // DDL takes no bind parameters; the bounds are formatted from DateOnly values, never from input.
        var from = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await using var command = new NpgsqlCommand($"""
            CREATE TABLE {schema}.{name} (LIKE {schema}.processed_messages INCLUDING DEFAULTS);
            WITH moved AS (
                DELETE FROM {schema}.processed_messages_default WHERE first_seen_day = DATE '{from}' RETURNING *)
            INSERT INTO {schema}.{name} SELECT * FROM moved;
            ALTER TABLE {schema}.processed_messages ATTACH PARTITION {schema}.{name}
                FOR VALUES FROM ('{from}') TO ('{to}');
            """, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        LogCreated(logger, name);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created dedup partition {Partition}")]
    private static partial void LogCreated(ILogger logger, string partition);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped dedup partition {Partition} (older than {RetentionDays} days)")]
    private static partial void LogDropped(ILogger logger, string partition, int retentionDays);

    [LoggerMessage(Level = LogLevel.Information, Message = "Trimmed {Rows} aged rows from the default dedup partition")]
    private static partial void LogTrimmed(ILogger logger, int rows);
}
