using System.Diagnostics.Metrics;
using LogDapr.Configuration.Aggregator;
using LogDapr.Aggregator.Schema;
using LogDapr.Aggregator.Sink;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LogDapr.Aggregator.Observability;

/// <summary>
/// How many events the cardinality limit moved to the overflow series, as stored. The counting statement reports
/// only how many events it added (the binding's rows-affected), so the figure is read from Postgres, through a
/// partial index, every <see cref="RefreshInterval"/>. It is a database-wide fact: every replica exports the same value.
/// </summary>
public sealed partial class OverflowGauge : BackgroundService
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    private readonly NpgsqlDataSource dataSource;
    private readonly SchemaReadiness schema;
    private readonly string sql;
    private readonly ILogger<OverflowGauge> logger;
    private long events;

    public OverflowGauge(NpgsqlDataSource dataSource, SchemaReadiness schema, IOptions<PostgresOptions> postgres, IMeterFactory meters, ILogger<OverflowGauge> logger)
    {
        this.dataSource = dataSource;
        this.schema = schema;
        this.logger = logger;
        sql = $"SELECT coalesce(sum(event_count), 0)::bigint FROM {postgres.Value.Schema}.log_counts WHERE service = '{CountsStatement.OverflowService}'";
        meters.Create(AggregatorTelemetry.Name).CreateObservableGauge(
            "logdapr.aggregator.overflow.events",
            () => Volatile.Read(ref events),
            "{event}",
            "Events counted under the overflow series because their tenant reached Aggregator:MaxSeriesPerTenantBucket (read from Postgres; the same on every replica).");
    }

    public long Events => Volatile.Read(ref events);

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        Volatile.Write(ref events, (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval);
        do
        {
            if (!schema.IsReady)
            {
                continue;
            }

            try
            {
                await RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                // The value stays as last read; readiness reports the database itself.
                LogRefreshFailed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not read the overflow series total: {Error}")]
    private static partial void LogRefreshFailed(ILogger logger, string error);
}
