using System.Diagnostics;
using System.Reflection;
using LogDapr.ServiceDefaults.Observability.Stats;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LogDapr.ServiceDefaults.Observability;

/// <summary>
/// Metrics, traces and log correlation shared by the services. Metrics are always collected and served at /metrics
/// in Prometheus text format on the service's own port. Traces are only collected when an OTLP exporter is
/// configured (see <see cref="OtlpExportSettings"/>): without one no TracerProvider exists, so no span is recorded
/// or exported. Logs always carry the current trace and span ids.
/// </summary>
public static class ServiceTelemetry
{
    public const string MetricsPath = "/metrics";

    /// <summary>The most series (label sets) one metric keeps; more are counted under the SDK's overflow series.</summary>
    public const int MaxSeriesPerMetric = 500;

    /// <summary>Requests that are not work: probes and scrapes make no spans.</summary>
    private static readonly PathString[] Unobserved = ["/healthz", "/readyz", MetricsPath];

    public static WebApplicationBuilder AddServiceTelemetry(this WebApplicationBuilder builder)
    {
        // The JSON console formatter writes these as a scope on every line: trace_id/span_id join logs to traces,
        // also when no trace is exported (ASP.NET Core starts an Activity per request whenever logging is on).
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        var export = OtlpExportSettings.From(key => builder.Configuration[key]);
        builder.Services.AddSingleton(export);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ServiceStats>();

        // OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES win when set; otherwise the assembly name (logdapr-ingest, ...).
        var serviceName = string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]) ? builder.Environment.ApplicationName : null;
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (serviceName is not null)
                {
                    resource.AddService(serviceName, serviceVersion: ServiceVersion, serviceInstanceId: Environment.MachineName);
                }
            })
            .WithMetrics(metrics =>
            {
                // The SDK reserves every metric's series up front, 2,000 by default (~144 KB each, ~10 MB a
                // service); no metric here has more than a few dozen (no tenant or id is ever a label).
                metrics.AddView(_ => new MetricStreamConfiguration { CardinalityLimit = MaxSeriesPerMetric })
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter();
                if (export.Metrics)
                {
                    metrics.AddOtlpExporter();
                }
            });

        // Registered always, applied only when a TracerProvider is built: by WithTracing below, or by a test that adds
        // its own exporter. Without either, these registrations cost nothing.
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing
            .AddAspNetCoreInstrumentation(o =>
            {
                o.Filter = context => !IsUnobserved(context.Request.Path);
                o.RecordException = true;
            })
            .AddGrpcClientInstrumentation(o => o.SuppressDownstreamInstrumentation = true)
            .AddHttpClientInstrumentation());
        if (export.Traces)
        {
            otel.WithTracing(tracing => tracing.AddOtlpExporter());
        }

        if (export.Logs)
        {
            otel.WithLogging(logging => logging.AddOtlpExporter(), o =>
            {
                o.IncludeScopes = true;
                o.IncludeFormattedMessage = true;
            });
        }

        return builder;
    }

    /// <summary>Adds a service's own Meter and ActivitySource to what is exported.</summary>
    public static IServiceCollection AddServiceInstrumentation(this IServiceCollection services, string meterName, string activitySourceName)
    {
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(meterName));
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(activitySourceName));
        return services;
    }

    /// <summary>GET /metrics (Prometheus text) and GET /v1/stats (a JSON snapshot for people).</summary>
    public static IEndpointRouteBuilder MapTelemetryEndpoints(this IEndpointRouteBuilder app)
    {
        // Scrapes are not traffic: keep them out of http.server.request.duration.
        app.MapPrometheusScrapingEndpoint(MetricsPath).DisableHttpMetrics();
        app.MapStatsEndpoint();
        return app;
    }

    public static string ServiceVersion { get; } =
        Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "unknown";

    private static bool IsUnobserved(PathString path) => Array.Exists(Unobserved, p => path.Equals(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>The W3C trace context of an activity, as CloudEvents (distributed tracing extension) carry it.</summary>
    public static (string TraceParent, string? TraceState)? TraceContextOf(Activity? activity)
        => activity is { IdFormat: ActivityIdFormat.W3C, Id: { } id } ? (id, activity.TraceStateString) : null;
}
