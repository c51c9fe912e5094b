using LogDapr.ServiceDefaults.Observability.Stats;

namespace LogDapr.Aggregator.Store.Retention;

/// <summary>Registration shared by both roles (the store keeps log_events, the counter log_counts and dead_letters).</summary>
public static class RetentionRegistration
{
    public static IServiceCollection AddRetentionMetrics(this IServiceCollection services)
    {
        services.AddSingleton<RetentionMetrics>();
        services.AddSingleton<IStatsSource>(sp => sp.GetRequiredService<RetentionMetrics>());
        return services;
    }
}
