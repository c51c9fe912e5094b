using LogDapr.ServiceDefaults.Reloading;
using LogDapr.Aggregator.Routing.Observability;
using LogDapr.Aggregator.Routing.Routes;
using LogDapr.Configuration.Routing;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Routing.Hosting;

/// <summary>
/// The router's routes file: read before the first delivery (an invalid document stops the start with every problem
/// and its path), then re-read every <see cref="RoutingOptions.ReloadInterval"/>. A changed, valid document applies from
/// the next delivery on (a delivery in progress finishes with the routes it started with); an invalid one is refused
/// whole, logged, counted, and the routes in use stay.
/// </summary>
public sealed partial class RoutesWatcher(
    ActiveRoutes active,
    IRouteConditionCompiler conditions,
    IOptions<RoutingOptions> options,
    RoutingMetrics metrics,
    TimeProvider time,
    ILogger<RoutesWatcher> logger) : DocumentWatcher<RouteSet>(time, logger)
{
    protected override string Kind => "routes";

    protected override string FilePath => options.Value.RoutesFile!;

    protected override TimeSpan Interval => options.Value.ReloadInterval;

    // UTF-8 takes at most 4 bytes a character.
    protected override long MaxBytes => RoutesParser.MaxDocumentChars * 4L;

    protected override RouteSet? Current => active.IsLoaded ? active.Current : null;

    protected override string TextOf(RouteSet document) => document.Text;

    protected override (RouteSet? Document, string? Error) Compile(string text)
    {
        var (routes, errors) = RoutesParser.Parse(text, conditions);
        return (routes, routes is null ? string.Join("; ", errors) : null);
    }

    protected override void Use(RouteSet document, RouteSet? previous)
    {
        active.Use(document);
        if (previous is null)
        {
            LogLoaded(logger, document.Routes.Count, FilePath, document.Summary);
            return;
        }

        metrics.RoutesApplied();
        LogApplied(logger, FilePath, document.Routes.Count, document.Summary);
    }

    protected override void Refuse(RouteSet current, string error)
    {
        metrics.RoutesRefused();
        LogRefused(logger, FilePath, current.Summary, error);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Routes} routes from {File}: {Summary}")]
    private static partial void LogLoaded(ILogger logger, int routes, string file, string summary);

    [LoggerMessage(Level = LogLevel.Information, Message = "The routes in {File} changed; deliveries from now on use the {Routes} new routes: {Summary}")]
    private static partial void LogApplied(ILogger logger, string file, int routes, string summary);

    [LoggerMessage(Level = LogLevel.Error, Message = "The changed routes in {File} are invalid and were NOT applied; the routes in use stay ({Summary}): {Error}")]
    private static partial void LogRefused(ILogger logger, string file, string summary, string error);
}
