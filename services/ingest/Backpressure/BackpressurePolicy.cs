namespace LogDapr.Ingest.Backpressure;

/// <summary>
/// How much work one replica takes on: a fixed number of request slots (<see cref="RequestSlots"/>) and a budget of
/// body bytes in memory (<see cref="BodyBudget"/>). Beyond either, a request gets 503 with Retry-After at once.
/// </summary>
public static class BackpressurePolicy
{
    public static IServiceCollection AddBackpressure(this IServiceCollection services)
    {
        services.AddSingleton<BodyBudget>();
        services.AddSingleton<RequestSlots>();
        return services;
    }
}
