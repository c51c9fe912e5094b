using System.Text.Json;
using LogDapr.Configuration;
using LogDapr.Configuration.Pipeline;
using LogDapr.ServiceDefaults.Health;
using LogDapr.ServiceDefaults.Observability;
using LogDapr.ServiceDefaults.Publishing;
using LogDapr.ServiceDefaults.Sidecar;
using LogDapr.ServiceDefaults.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogDapr.ServiceDefaults.Hosting;

public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// What every LogDapr service has: JSON structured logs with trace ids, metrics (and traces when configured), ProblemDetails, validated pipeline options,
    /// a Dapr client and a readiness check on the sidecar, and HTTPS when Tls:CertificateFile is set.
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            // RFC 3339 in UTC, and nothing after it: log parsers reject a trailing space.
            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
        });
        // ASP.NET Core logs every request several times at Information; at these request rates that is most of the
        // CPU a replica spends (see docs/benchmarks.md). Request outcomes are in the metrics instead.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.AddServiceTelemetry();
        builder.AddServerTls();

        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddOptions<PipelineOptions>()
            .Bind(builder.Configuration.GetSection(ConfigKeys.PipelineSection))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddDaprClient(dapr => dapr.UseGrpcChannelOptions(DaprSidecarConnection.ChannelOptions()));
        builder.Services.AddSingleton(sp => new DaprPublishClient(DaprSidecarConnection.FromConfiguration(sp.GetRequiredService<IConfiguration>())));
        builder.Services.AddHealthChecks()
            .AddCheck<DaprSidecarHealthCheck>("dapr-sidecar", tags: [HealthEndpoints.ReadyTag]);
        return builder;
    }
}
