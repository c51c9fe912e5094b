using LogDapr.Contracts.Events;
using LogDapr.Configuration;
using LogDapr.Configuration.Ingest;
using LogDapr.Ingest.Audit;
using LogDapr.Ingest.Backpressure;
using LogDapr.Ingest.Idempotency;
using LogDapr.Ingest.Mapping;
using LogDapr.Ingest.Ingestion;
using LogDapr.Ingest.Intake;
using LogDapr.Ingest.Observability;
using LogDapr.Ingest.OpenApi;
using LogDapr.Ingest.Protocols.Elasticsearch;
using LogDapr.Ingest.Protocols.Loki;
using LogDapr.Ingest.Protocols.Otlp;
using LogDapr.Ingest.Publishing;
using LogDapr.Ingest.RateLimiting;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.ServiceDefaults.Health;
using LogDapr.ServiceDefaults.Hosting;
using LogDapr.ServiceDefaults.OpenApi;
using LogDapr.ServiceDefaults.Observability;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace LogDapr.Ingest.Hosting;

public static class IngestHost
{
    public const string SchemaRoute = "/schemas/logevent-v1.json";

    public static WebApplicationBuilder AddIngest(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        builder.AddIngestTelemetry();
        builder.Services.AddSingleton<IngestOutcomeFilter>();
        // After the meter provider's own start-up (registered earlier), so the zeros are recorded while it listens.
        builder.Services.AddHostedService<IngestMetricsStartup>();
        builder.Services.AddOptions<IngestOptions>()
            .Bind(builder.Configuration.GetSection(ConfigKeys.IngestSection))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Our reader enforces the limit after decompression; Kestrel's cap only stops bodies that could never fit.
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<IngestOptions>>((kestrel, ingest) => kestrel.Limits.MaxRequestBodySize = (long)ingest.Value.MaxBodyBytes + 1);
        // OTLP/gRPC on a port of its own: Kestrel's listeners are then set in code, the HTTP ones from the same URLs.
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<IngestOptions>, IConfiguration>((kestrel, ingest, configuration) =>
            {
                if (ingest.Value.OtlpGrpcPort != 0)
                {
                    IngestListeners.Bind(kestrel, configuration, ingest.Value.OtlpGrpcPort);
                }
            });
        builder.Services.AddOtlpGrpc();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<LogEventLimits>()
            .Bind(builder.Configuration.GetSection(ConfigKeys.IngestSection))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<FieldMappingOptions>()
            .Bind(builder.Configuration.GetSection(FieldMappingOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<PipelineMapping>();
        builder.Services.AddHostedService<MappingWatcher>();
        // The pipeline's own aliases (Ingest:FieldMappingFile), taken once per read: a reload applies from the next request.
        builder.Services.AddSingleton(sp =>
        {
            var mapping = sp.GetRequiredService<PipelineMapping>();
            return LogEventReader.Reloadable(sp.GetRequiredService<IOptions<LogEventLimits>>().Value, () => mapping.Current);
        });
        builder.Services.AddSingleton<PublishBatcher>();
        builder.Services.AddSingleton<EventPublisher>();
        builder.Services.AddSingleton<IntakeBodyReader>();
        builder.Services.AddSingleton<LogIntake>();
        builder.Services.AddSingleton<OtlpIntake>();
        builder.Services.AddSingleton<OtlpHttpHandler>();
        builder.Services.AddSingleton<IngestRequestHandler>();
        builder.Services.AddSingleton<ElasticsearchBulkHandler>();

        builder.AddApiKeyAuth();
        builder.AddIngestAudit();
        builder.Services.AddOptions<BackpressureOptions>()
            .Bind(builder.Configuration.GetSection(ConfigKeys.IngestSection))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddBackpressure();
        builder.Services.AddOptions<RateLimitOptions>()
            .Bind(builder.Configuration.GetSection(RateLimitOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitTlsValidator>();
        builder.Services.AddSingleton<LocalTokenBuckets>();
        builder.Services.AddSingleton<ClientRateLimiter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ClientRateLimiter>());
        builder.Services.AddHealthChecks().AddCheck<RateLimiterHealthCheck>("rate-limiter", tags: [HealthEndpoints.ReadyTag]);
        builder.Services.AddOptions<IdempotencyOptions>()
            .Bind(builder.Configuration.GetSection(ConfigKeys.IngestSection))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IdempotencyStore>();
        builder.Services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer<LogEventSchemaTransformer>();
            o.UseLogDaprConventions("LogDapr ingest API", new Dictionary<string, string>
            {
                [LogsEndpoint.Tag] = "Send log events (LogEvent v1) into the pipeline.",
            });
        });
        return builder;
    }

    public static WebApplication MapIngest(this WebApplication app)
    {
        var otlpGrpcPort = app.Services.GetRequiredService<IOptions<IngestOptions>>().Value.OtlpGrpcPort;
        if (otlpGrpcPort != 0)
        {
            app.UseOtlpGrpcPort(otlpGrpcPort);
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthFailureAudit();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthEndpoints();
        app.MapTelemetryEndpoints();
        app.MapOpenApi();
        // Not an API operation: the same schema is in the document's components (LogEventV1).
        app.MapGet(SchemaRoute, () => Results.Text(LogEventSchema.Json, "application/schema+json"))
            .ExcludeFromDescription();
        app.MapLogsEndpoint();
        app.MapLokiPush();
        app.MapElasticsearch();
        if (otlpGrpcPort != 0)
        {
            app.MapOtlpGrpc();
        }

        return app;
    }
}
