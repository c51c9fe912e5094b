using LogDapr.Aggregator.Database.Migrations;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Database;

/// <summary>
/// Applies migrations at start-up (retrying while Postgres is unreachable, so the aggregator can start before
/// its database), then runs partition maintenance on an interval.
/// </summary>
public sealed partial class SchemaHostedService(
    MigrationRunner migrations,
    IEnumerable<ISchemaMaintenance> maintenance,
    SchemaReadiness readiness,
    IOptions<PostgresOptions> options,
    TimeProvider time,
    ILogger<SchemaHostedService> logger) : BackgroundService
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var delay = TimeSpan.FromMilliseconds(200);
        while (!readiness.IsReady && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                await migrations.ApplyAsync(settings.Schema, stoppingToken).ConfigureAwait(false);
                foreach (var upkeep in maintenance)
                {
                    await upkeep.RunAsync(stoppingToken).ConfigureAwait(false);
                }

                readiness.MarkReady();
                LogReady(logger, settings.Schema);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                var failure = PostgresFailure.Describe(ex);
                readiness.MarkFailed(failure);
                if (readiness.SinceStart < settings.StartupTimeout)
                {
                    // Postgres starting after (or together with) the aggregator is normal start-up, not an error.
                    LogWaitingForPostgres(logger, delay.TotalMilliseconds, failure);
                }
                else
                {
                    LogMigrationFailed(logger, settings.StartupTimeout.TotalSeconds, delay.TotalMilliseconds, failure);
                }

                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }

        using var timer = new PeriodicTimer(settings.MaintenanceInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            foreach (var upkeep in maintenance)
            {
                try
                {
                    await upkeep.RunAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogMaintenanceFailed(logger, upkeep.GetType().Name, ex.Message);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema {Schema} is up to date")]
    private static partial void LogReady(ILogger logger, string schema);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for Postgres to apply the schema, retrying in {DelayMs} ms: {Error}")]
    private static partial void LogWaitingForPostgres(ILogger logger, double delayMs, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Schema still not migrated {TimeoutSeconds} s after start, retrying in {DelayMs} ms: {Error}")]
    private static partial void LogMigrationFailed(ILogger logger, double timeoutSeconds, double delayMs, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Maintenance} failed (will retry next interval): {Error}")]
    private static partial void LogMaintenanceFailed(ILogger logger, string maintenance, string error);
}
