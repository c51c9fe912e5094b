using LogDapr.Aggregator.Routing.Delivery;
using LogDapr.Aggregator.Routing.Observability;
using LogDapr.Aggregator.Routing.Routes;
using LogDapr.Aggregator.Subscriptions;
using LogDapr.Configuration.Routing;
using LogDapr.ServiceDefaults.Observability.Stats;
using LogDapr.ServiceDefaults.OpenApi;

namespace LogDapr.Aggregator.Routing.Hosting;

/// <summary>What the aggregator process registers when it runs as the router (Aggregator:Role=Router).</summary>
public static class RouterRole
{
    public static WebApplicationBuilder AddRouterRole(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RoutingOptions>()
            .Bind(builder.Configuration.GetSection(RoutingOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<RoutingMetrics>();
        builder.Services.AddSingleton<IStatsSource>(sp => sp.GetRequiredService<RoutingMetrics>());
        builder.Services.AddSingleton<IRouteConditionCompiler, ExpressionConditionCompiler>();
        builder.Services.AddSingleton<ActiveRoutes>();
        builder.Services.AddHostedService<RoutesWatcher>();
        // Scoped: a delivery takes the routes in use when it starts and keeps them to its end, so a reload never
        // splits one delivery between two route sets.
        builder.Services.AddScoped(sp => sp.GetRequiredService<ActiveRoutes>().Current);
        builder.Services.AddSingleton<IRouteBindingInvoker, DaprRouteBindingInvoker>();
        builder.Services.AddSingleton<RouteSender>();
        builder.Services.AddScoped<ILogsDeliveryProcessor, RouterDeliveryProcessor>();
        builder.Services.AddOpenApi(o => o.UseLogDaprConventions("LogDapr router", new Dictionary<string, string>()));
        return builder;
    }
}
