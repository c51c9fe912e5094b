namespace LogDapr.Aggregator.Routing.Routes;

/// <summary>
/// The routes of a pipeline, in document order, and the text they were read from; immutable, so one instance serves a
/// whole delivery while <see cref="Hosting.RoutesWatcher"/> may swap in another for the next.
/// </summary>
public sealed class RouteSet(IReadOnlyList<Route> routes, string text = "")
{
    public IReadOnlyList<Route> Routes { get; } = routes;

    public string Text { get; } = text;

    /// <summary>For logs: each route and its binding.</summary>
    public string Summary => Routes.Count == 0 ? "no routes" : string.Join(", ", Routes.Select(r => $"{r.Name} -> {r.Binding}"));
}
