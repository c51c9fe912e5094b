using LogDapr.Aggregator.Database;
using LogDapr.Aggregator.Database.Partitions;
using LogDapr.Aggregator.Store.Retention;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Store;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LogDapr.Aggregator.Store.Partitions;

/// <summary>
/// Creates the daily partitions of log_events ahead of time and back to the longest retention of any tenant (dropping
/// them is retention's job, after the archive).
/// </summary>
public sealed partial class EventPartitionMaintenance(
    NpgsqlDataSource dataSource,
    IOptions<PostgresOptions> postgres,
    IOptions<StoreOptions> store,
    TimeProvider time,
    ILogger<EventPartitionMaintenance> logger) : ISchemaMaintenance
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var schema = postgres.Value.Schema;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var partitions = DailyPartitions.LogEvents;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var existing = await partitions.ListAsync(connection, schema, cancellationToken).ConfigureAwait(false);
        foreach (var day in EventPartitionPlan.DaysToEnsure(today, RetentionPolicy.From(store.Value.Retention, RetentionKind.Events).LongestDays, store.Value.PartitionDaysAhead))
        {
            if (!existing.Contains(partitions.PartitionName(day)))
            {
                LogCreated(logger, await partitions.CreateAsync(connection, schema, day, cancellationToken).ConfigureAwait(false));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created log_events partition {Partition}")]
    private static partial void LogCreated(ILogger logger, string partition);
}
