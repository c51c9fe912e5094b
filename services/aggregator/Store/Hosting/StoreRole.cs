using LogDapr.Aggregator.Database;
using LogDapr.Aggregator.Store.Archive;
using LogDapr.Aggregator.Store.Observability;
using LogDapr.Aggregator.Store.Partitions;
using LogDapr.Aggregator.Store.Restore;
using LogDapr.Aggregator.Store.Retention;
using LogDapr.Aggregator.Store.Search;
using LogDapr.Aggregator.Store.Tail;
using LogDapr.Aggregator.Store.Writing;
using LogDapr.Aggregator.Subscriptions;
using LogDapr.ServiceDefaults.Observability.Stats;
using LogDapr.ServiceDefaults.OpenApi;
using LogDapr.Configuration.Store;
using Microsoft.Extensions.Options;

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
        builder.Services.AddSingleton<IValidateOptions<StoreOptions>, CursorKeyValidation>();
        builder.Services.AddSingleton<CursorKey>();
        builder.Services.AddSingleton<LogCursorCodec>();
        builder.Services.AddSingleton<LogEventsReader>();
        builder.Services.AddSingleton<TailSlots>();
        builder.Services.AddSingleton<TailMetrics>();
        builder.Services.AddRetentionMetrics();
        builder.Services.AddSingleton<IArchiveBinding, DaprArchiveBinding>();
        builder.Services.AddSingleton<ITenantDayArchive, EventArchiver>();
        builder.Services.AddSingleton<ArchiveRestorer>();
        // After partition upkeep: retention drops what the upkeep no longer creates.
        builder.Services.AddSingleton<ISchemaMaintenance, EventRetention>();
        // The store's API writes audit records too; one job per schema runs (advisory lock), whichever role gets there first.
        builder.Services.AddSingleton<ISchemaMaintenance, AuditRetention>();
        builder.Services.AddOpenApi(o => o.UseLogDaprConventions("LogDapr log store API", new Dictionary<string, string>
        {
            [LogSearchEndpoints.LogsTag] = "Stored events of one tenant: search with filters and full text, one event, the lines around one.",
            [RestoreEndpoints.ArchiveTag] = "Archived days of the log store: restore one (admin).",
        }));
        return builder;
    }

    public static WebApplication MapStoreRole(this WebApplication app)
    {
        app.MapLogSearchEndpoints();
        app.MapTailEndpoints();
        app.MapRestoreEndpoints();
        return app;
    }
}
