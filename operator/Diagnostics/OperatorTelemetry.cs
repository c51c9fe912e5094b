using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace LogDapr.Operator.Diagnostics;

/// <summary>
/// Exports <see cref="OperatorMetrics"/> and the .NET runtime metrics in Prometheus text at /metrics on the health
/// port, where the pod's scrape annotations and the chart's PodMonitor point. No traces: a reconcile is not a request
/// anyone waits on, and its outcome is in the LogPipeline's status, Events and logs.
/// </summary>
public static class OperatorTelemetry
{
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddOperatorTelemetry(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<OperatorMetrics>();
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("logdapr-operator", serviceVersion: typeof(OperatorTelemetry).Assembly.GetName().Version?.ToString(3)))
            .WithMetrics(metrics => metrics
                .AddMeter(OperatorMetrics.MeterName)
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        return services;
    }

    public static IEndpointRouteBuilder MapOperatorMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }
}
