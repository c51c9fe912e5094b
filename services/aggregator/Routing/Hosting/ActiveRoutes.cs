using LogDapr.Aggregator.Routing.Routes;

namespace LogDapr.Aggregator.Routing.Hosting;

/// <summary>The routes in use, set once at start by <see cref="RoutesStartup"/> before the first delivery.</summary>
public sealed class ActiveRoutes
{
    private RouteSet? current;

    public RouteSet Current => Volatile.Read(ref current) ?? throw new InvalidOperationException("the routes are not loaded yet");

    public void Use(RouteSet routes) => Volatile.Write(ref current, routes);
}
