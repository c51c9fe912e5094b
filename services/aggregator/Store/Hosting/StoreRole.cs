using LogDapr.Aggregator.Database;
using LogDapr.Aggregator.Store.Archive;
using LogDapr.Aggregator.Store.Observability;
using LogDapr.Aggregator.Store.Partitions;
using LogDapr.Aggregator.Store.Restore;
using LogDapr.Aggregator.Store.Retention;
using LogDapr.Aggregator.Store.Writing;
using LogDapr.Aggregator.Subscriptions;
using LogDapr.ServiceDefaults.Observability.Stats;
using LogDapr.ServiceDefaults.OpenApi;

namespace LogDapr.Aggregator.Store.Hosting;

/// <summary>What the aggregator process registers and serves when it runs as the store (Aggregator:Role=Store).</summary>
public static class StoreRole
{
    public static WebApplicationBuilder AddStoreRole(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<StoreMetrics>();
        builder.Services.AddSingleton<IStatsSource>(sp => sp.GetRequiredService<StoreMetrics>());
        builder.Services.AddSingleton<StoreDeliveryProcessor>();
        builder.Services.AddSingleton<ILogsDeliveryProcessor>(sp => sp.GetRequiredService<StoreDeliveryProcessor>());
        builder.Services.AddSingleton<ISchemaMaintenance, EventPartitionMaintenance>();
        builder.Services.AddRetentionMetrics();
        builder.Services.AddSingleton<IArchiveBinding, DaprArchiveBinding>();
        builder.Services.AddSingleton<ITenantDayArchive, EventArchiver>();
        builder.Services.AddSingleton<ArchiveRestorer>();
        // After partition upkeep: retention drops what the upkeep no longer creates.
        builder.Services.AddSingleton<ISchemaMaintenance, EventRetention>();
        builder.Services.AddOpenApi(o => o.UseLogDaprConventions("LogDapr log store API", new Dictionary<string, string>
        {
            [RestoreEndpoints.ArchiveTag] = "Archived days of the log store: restore one (admin).",
        }));
        return builder;
    }

    public static WebApplication MapStoreRole(this WebApplication app)
    {
        app.MapRestoreEndpoints();
        return app;
    }
}
