using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LogDapr.ServiceDefaults.Observability.Stats;

/// <summary>
/// GET /v1/stats: what this replica did since it started, for a person with curl. Prometheus has the same numbers
/// with history; this answers "is it doing anything right now, and what went wrong last" without one.
/// </summary>
public static class StatsEndpoint
{
    public const string Route = "/v1/stats";

    public static IEndpointConventionBuilder MapStatsEndpoint(this IEndpointRouteBuilder app) => app
        .MapGet(Route, (ServiceStats stats, IEnumerable<IStatsSource> sources, IWebHostEnvironment environment) =>
        {
            var builder = new StatsSnapshotBuilder();
            foreach (var source in sources)
            {
                source.Contribute(builder);
            }

            return TypedResults.Ok(new StatsSnapshot(
                environment.ApplicationName,
                ServiceTelemetry.ServiceVersion,
                stats.StartedAt,
                Math.Round(stats.Uptime.TotalSeconds, 3),
                builder.Counts,
                builder.InFlight,
                builder.State,
                stats.LastError));
        })
        .WithName("GetStats")
        .WithSummary("Counts since start, work in flight and the last error of this replica")
        .ExcludeFromDescription();
}

public sealed record StatsSnapshot(
    string Service,
    string Version,
    DateTimeOffset StartedAt,
    double UptimeSeconds,
    IReadOnlyDictionary<string, object> Counts,
    IReadOnlyDictionary<string, long> InFlight,
    IReadOnlyDictionary<string, object?> State,
    LastError? LastError);
