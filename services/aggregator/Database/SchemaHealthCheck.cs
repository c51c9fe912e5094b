using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace LogDapr.Aggregator.Database;

/// <summary>Ready when Postgres answers and the schema is migrated (the query API and writes need both).</summary>
public sealed class SchemaHealthCheck(NpgsqlDataSource dataSource, SchemaReadiness readiness) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!readiness.IsReady)
        {
            return HealthCheckResult.Unhealthy($"schema not ready: {readiness.LastError}");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy("postgres reachable, schema migrated");
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"postgres not reachable: {PostgresFailure.Describe(ex)}");
        }
    }
}
