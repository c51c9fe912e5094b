using Npgsql;

namespace LogDapr.Aggregator.Database.Partitions;

/// <summary>
/// Keeps the dedup table's daily partitions (by the day each message id was first seen) ahead of time and drops
/// those past retention.
/// </summary>
public sealed partial class PartitionMaintenance(NpgsqlDataSource dataSource, TimeProvider time, ILogger<PartitionMaintenance> logger)
{
    public async Task RunAsync(string schema, int retentionDays, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var existing = await DailyPartitions.ProcessedMessages.ListAsync(connection, schema, cancellationToken).ConfigureAwait(false);

        foreach (var day in DedupPartitionPlan.DaysToEnsure(today).Where(d => !existing.Contains(DedupPartitionPlan.PartitionName(d))))
        {
            LogCreated(logger, await DailyPartitions.ProcessedMessages.CreateAsync(connection, schema, day, cancellationToken).ConfigureAwait(false));
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Created dedup partition {Partition}")]
    private static partial void LogCreated(ILogger logger, string partition);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped dedup partition {Partition} (older than {RetentionDays} days)")]
    private static partial void LogDropped(ILogger logger, string partition, int retentionDays);

    [LoggerMessage(Level = LogLevel.Information, Message = "Trimmed {Rows} aged rows from the default dedup partition")]
    private static partial void LogTrimmed(ILogger logger, int rows);
}
