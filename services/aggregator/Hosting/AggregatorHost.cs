using LogDapr.Aggregator.Audit;
using LogDapr.Aggregator.Counting;
using LogDapr.Aggregator.Database.Migrations;
using LogDapr.Aggregator.Database.Partitions;
using LogDapr.Aggregator.Database;
using LogDapr.Aggregator.DeadLetters;
using LogDapr.Aggregator.Decoding;
using LogDapr.Aggregator.Enrichment;
using LogDapr.Aggregator.Http;
using LogDapr.Aggregator.Observability;
using LogDapr.Aggregator.Processing.Hosting;
using LogDapr.Aggregator.Query;
using LogDapr.Aggregator.Routing.Hosting;
using LogDapr.Aggregator.Sink;
using LogDapr.Aggregator.Subscriptions;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Pipeline;
using LogDapr.Configuration.Store;
using LogDapr.Configuration.Tls;
using LogDapr.Configuration;
using LogDapr.Aggregator.Store.Hosting;
using LogDapr.Aggregator.Store.Retention;
using LogDapr.Contracts.Events;
using LogDapr.Postgres;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.ServiceDefaults.Health;
using LogDapr.ServiceDefaults.Hosting;
using LogDapr.ServiceDefaults.Observability;
using LogDapr.ServiceDefaults.OpenApi;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LogDapr.Aggregator.Hosting;

public static class AggregatorHost
{
    /// <summary>The store role's service name in telemetry, unless OTEL_SERVICE_NAME says otherwise.</summary>
    public const string StoreServiceName = "logdapr-store";

    /// <summary>The processor role's service name in telemetry, unless OTEL_SERVICE_NAME says otherwise.</summary>
    public const string ProcessorServiceName = "logdapr-processor";

    /// <summary>The router role's service name in telemetry, unless OTEL_SERVICE_NAME says otherwise.</summary>
    public const string RouterServiceName = "logdapr-router";

    public static WebApplicationBuilder AddAggregator(this WebApplicationBuilder builder)
    {
        // Every role runs this binary; without a name of its own the store's metrics and traces would be summed with
        // the counter's under one service.
        var role = Role(builder.Configuration);
        if (role != AggregatorRole.Counter && string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
        {
            builder.Configuration["OTEL_SERVICE_NAME"] = role switch
            {
                AggregatorRole.Store => StoreServiceName,
                AggregatorRole.Router => RouterServiceName,
                _ => ProcessorServiceName,
            };
        }

        builder.AddServiceDefaults();
        builder.Services.AddSingleton<IValidateOptions<ServerTlsOptions>, AggregatorTlsValidator>();
        builder.AddAggregatorTelemetry();
        builder.Services.AddOptions<AggregatorOptions>()
            .Bind(builder.Configuration.GetSection(ConfigKeys.AggregatorSection))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<PostgresOptions>()
            .Bind(builder.Configuration.GetSection(ConfigKeys.PostgresSection))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddOptions<StoreOptions>()
            .Bind(builder.Configuration.GetSection(StoreOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => NpgsqlDataSource.Create(PostgresConnectionString.ToNpgsql(sp.GetRequiredService<IOptions<PostgresOptions>>().Value.ConnectionString)));
        // Ingest enforces the configured limits at the edge; here a message only has to be well-formed, so an
        // event accepted under raised ingest limits is never dead-lettered by the aggregator.
        builder.Services.AddSingleton(new LogEventReader(LogEventLimits.Widest));
        builder.Services.AddSingleton<DeliveryDecoder>();
        builder.Services.AddSingleton<DeliveryBodyBudget>();
        builder.Services.AddSingleton<PostgresBinding>();
        builder.Services.AddSingleton<ISqlBinding>(sp => sp.GetRequiredService<PostgresBinding>());
        builder.Services.AddSingleton<DeadLetterWriter>();
        builder.Services.AddSingleton<SchemaReadiness>();
        builder.Services.AddSingleton<MigrationRunner>();
        builder.Services.AddHostedService<SchemaHostedService>();
        builder.Services.AddHealthChecks().AddCheck<SchemaHealthCheck>("postgres", tags: [HealthEndpoints.ReadyTag]);
        builder.AddStartupAwareHealthLog();
        builder.AddApiKeyAuth();
        builder.AddAudit();
        builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();

        switch (role)
        {
            case AggregatorRole.Store:
                builder.AddStoreRole();
                break;
            case AggregatorRole.Processor:
                builder.AddProcessorRole();
                break;
            case AggregatorRole.Router:
                builder.AddRouterRole();
                break;
            default:
                builder.AddCounterRole();
                break;
        }

        return builder;
    }

    public static WebApplication MapAggregator(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthEndpoints();
        app.MapTelemetryEndpoints();
        app.MapOpenApi();
        app.MapSubscriptionEndpoints();
        switch (Role(app.Configuration))
        {
            case AggregatorRole.Store:
                app.MapStoreRole();
                break;
            case AggregatorRole.Processor:
            case AggregatorRole.Router:
                // The processor and the router serve no API of their own: only their Dapr routes, health and metrics.
                break;
            default:
                app.MapMetricsEndpoints();
                app.MapDeadLetterEndpoints();
                app.MapEnrichmentEndpoints();
                app.MapAuditEndpoints();
                break;
        }

        return app;
    }

    /// <summary>The configured role; an unknown value fails start-up with the configuration binder's message.</summary>
    public static AggregatorRole Role(IConfiguration configuration)
        => configuration.GetSection(ConfigKeys.AggregatorSection).GetValue(nameof(AggregatorOptions.Role), AggregatorRole.Counter);

    private static void AddCounterRole(this WebApplicationBuilder builder)
    {
        // Counting needs four fields of an event: the decoder validates every event in full but keeps only those
        // (the other roles store, process or route whole events and keep the full reader alone).
        builder.Services.AddSingleton(new LogEventCountingReader(LogEventLimits.Widest));
        builder.Services.AddSingleton<DeliveryProcessor>();
        builder.Services.AddSingleton<ILogsDeliveryProcessor>(sp => sp.GetRequiredService<DeliveryProcessor>());
        builder.Services.AddSingleton<DeadLetterArrivals>();
        builder.Services.AddSingleton<DeadLetterReader>();
        builder.Services.AddSingleton<DeadLetterReplayer>();
        builder.Services.AddSingleton<MetricsReader>();
        builder.Services.AddSingleton<PartitionMaintenance>();
        builder.Services.AddSingleton<ISchemaMaintenance, DedupMaintenance>();
        builder.Services.AddRetentionMetrics();
        builder.Services.AddSingleton<ISchemaMaintenance, CountsRetention>();
        builder.Services.AddSingleton<ISchemaMaintenance, DeadLetterRetention>();
        builder.Services.AddSingleton<ISchemaMaintenance, AuditRetention>();
        builder.Services.AddEnrichmentMetadata();
        builder.Services.AddSingleton<OverflowGauge>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OverflowGauge>());
        builder.Services.AddOpenApi(o => o.UseLogDaprConventions("LogDapr aggregator query API", new Dictionary<string, string>
        {
            [MetricsEndpoints.MetricsTag] = "Event counts per bucket and error rates, for one tenant or, with an admin key, all.",
            [DeadLetterEndpoints.DeadLettersTag] = "Messages the pipeline could not count: inspect them and replay them (admin).",
            [EnrichmentEndpoints.MetadataTag] = "Attributes the processor adds to the events of a host or a service (admin).",
            [AuditEndpoints.AuditTag] = "The audit trail of sensitive operations (admin).",
        }));
    }
}
