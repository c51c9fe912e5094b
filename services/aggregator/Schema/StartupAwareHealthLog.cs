using LogDapr.Configuration.Aggregator;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Schema;

/// <summary>
/// Logs the readiness checks' failures in place of the health-check service, which logs every failing probe as an
/// Error: while the process is within <c>Postgres:StartupTimeout</c> of its start, a dependency that is not there yet
/// is part of starting up (Information); after that it is an Error.
/// </summary>
public static partial class StartupAwareHealthLog
{
    /// <summary>The health-check service's own log category, silenced in favour of this one.</summary>
    public const string HealthCheckServiceCategory = "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService";

    public static WebApplicationBuilder AddStartupAwareHealthLog(this WebApplicationBuilder builder)
    {
        builder.Logging.AddFilter(HealthCheckServiceCategory, LogLevel.None);
        builder.Services.AddOptions<HealthCheckServiceOptions>().PostConfigure<IServiceProvider>((options, services) =>
        {
            foreach (var registration in options.Registrations)
            {
                var inner = registration.Factory;
                var name = registration.Name;
                registration.Factory = sp => new Logged(inner(sp), name, sp.GetRequiredService<SchemaReadiness>(),
                    sp.GetRequiredService<IOptions<PostgresOptions>>().Value.StartupTimeout, sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StartupAwareHealthLog)));
            }
        });
        return builder;
    }

    private sealed class Logged(IHealthCheck inner, string name, SchemaReadiness readiness, TimeSpan startupTimeout, ILogger logger) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            HealthCheckResult result;
            try
            {
                result = await inner.CheckHealthAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                result = new HealthCheckResult(context.Registration.FailureStatus, ex.Message, ex);
            }

            if (result.Status == HealthStatus.Unhealthy)
            {
                if (readiness.SinceStart < startupTimeout)
                {
                    LogStarting(logger, name, result.Description ?? "");
                }
                else
                {
                    LogUnhealthy(logger, name, result.Description ?? "", result.Exception);
                }
            }
            else if (result.Status == HealthStatus.Degraded)
            {
                LogDegraded(logger, name, result.Description ?? "");
            }

            return result;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Not ready yet while starting: {Check}: {Description}")]
    private static partial void LogStarting(ILogger logger, string check, string description);

    [LoggerMessage(Level = LogLevel.Error, Message = "Readiness check {Check} failed: {Description}")]
    private static partial void LogUnhealthy(ILogger logger, string check, string description, Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness check {Check} degraded: {Description}")]
    private static partial void LogDegraded(ILogger logger, string check, string description);
}
