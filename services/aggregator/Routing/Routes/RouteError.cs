namespace LogDapr.Aggregator.Routing.Routes;

/// <summary>One problem of a routes document: where (e.g. <c>routes[1].when</c>) and what.</summary>
public sealed record RouteError(string Path, string Message)
{
    public override string ToString() => string.IsNullOrEmpty(Path) ? Message : $"{Path}: {Message}";
}
