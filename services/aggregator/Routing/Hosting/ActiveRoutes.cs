using LogDapr.Aggregator.Routing.Routes;

namespace LogDapr.Aggregator.Routing.Hosting;

/// <summary>The routes in use. Swapped whole by <see cref="RoutesWatcher"/>; each delivery takes them once, at its start.</summary>
public sealed class ActiveRoutes
{
    private RouteSet? current;

    public RouteSet Current => Volatile.Read(ref current) ?? throw new InvalidOperationException("the routes are not loaded yet");

    public bool IsLoaded => Volatile.Read(ref current) is not null;

    public void Use(RouteSet routes) => Volatile.Write(ref current, routes);
}
