namespace LogDapr.Aggregator.Routing.Routes;

/// <summary>The routes of a pipeline, in document order; immutable, so one instance serves every delivery.</summary>
public sealed class RouteSet(IReadOnlyList<Route> routes)
{
    public IReadOnlyList<Route> Routes { get; } = routes;
}
