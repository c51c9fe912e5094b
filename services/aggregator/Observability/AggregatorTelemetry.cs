using System.Diagnostics;
using LogDapr.ServiceDefaults.Observability;
using LogDapr.ServiceDefaults.Observability.Stats;

namespace LogDapr.Aggregator.Observability;

/// <summary>The aggregator's Meter and ActivitySource (one name for both) and their registration.</summary>
public static class AggregatorTelemetry
{
    public const string Name = "LogDapr.Aggregator";

    public static ActivitySource Source { get; } = new(Name, ServiceTelemetry.ServiceVersion);

    public static WebApplicationBuilder AddAggregatorTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddServiceInstrumentation(Name, Name);
        builder.Services.AddSingleton<AggregatorMetrics>();
        builder.Services.AddSingleton<IStatsSource>(sp => sp.GetRequiredService<AggregatorMetrics>());
        builder.Services.AddHostedService<MetricsAtStart>();
        return builder;
    }

    /// <summary>
    /// The client span of one call of the Postgres output binding, a child of whatever processing caused it. Named
    /// "{operation} {binding}" as the database conventions name operations on a collection.
    /// </summary>
    public static Activity? StartBindingCall(string binding, string operation)
    {
        var activity = Source.StartActivity($"{operation} {binding}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("db.system.name", "postgresql");
            activity.SetTag("db.operation.name", operation);
            activity.SetTag("dapr.binding.name", binding);
        }

        return activity;
    }

    /// <summary>
    /// Creates the instruments when the host starts, after the meter provider listens, so the counters that start at
    /// zero are exported before the first delivery instead of appearing with it.
    /// </summary>
    private sealed class MetricsAtStart(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = services.GetService<OpenTelemetry.Metrics.MeterProvider>();
            _ = services.GetRequiredService<AggregatorMetrics>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
