namespace LogDapr.Aggregator.Database;

/// <summary>
/// Upkeep of the schema a role owns (partitions ahead, retention), run once the migrations are applied and then on
/// every Postgres:MaintenanceInterval. A failure is logged and retried at the next interval.
/// </summary>
public interface ISchemaMaintenance
{
    Task RunAsync(CancellationToken cancellationToken);
}
