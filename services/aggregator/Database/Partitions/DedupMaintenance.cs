using LogDapr.Configuration.Aggregator;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Database.Partitions;

/// <summary>The counter's upkeep of processed_messages: partitions ahead, and those past Postgres:DedupRetentionDays dropped.</summary>
public sealed class DedupMaintenance(PartitionMaintenance partitions, IOptions<PostgresOptions> options) : ISchemaMaintenance
{
    public Task RunAsync(CancellationToken cancellationToken)
        => partitions.RunAsync(options.Value.Schema, options.Value.DedupRetentionDays, cancellationToken);
}
