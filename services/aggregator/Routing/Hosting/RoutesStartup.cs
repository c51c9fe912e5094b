using LogDapr.Aggregator.Routing.Routes;
using LogDapr.Configuration.Routing;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Routing.Hosting;

/// <summary>
/// Reads the routes document before the router takes its first delivery; an invalid document stops the start with
/// every problem and its path. The routes are read once: the operator rolls the router out when they change.
/// </summary>
public sealed partial class RoutesStartup(
    ActiveRoutes active, IRouteConditionCompiler conditions, IOptions<RoutingOptions> options, ILogger<RoutesStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var file = options.Value.RoutesFile!;
        var info = new FileInfo(file);
        if (info.Length > RoutesParser.MaxDocumentChars * 4L)
        {
            throw new InvalidOperationException($"The routes are invalid, nothing is applied: {file}: {info.Length} bytes, more than a routes document may have");
        }

        var text = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
        var (routes, errors) = RoutesParser.Parse(text, conditions);
        if (routes is null)
        {
            throw new InvalidOperationException($"The routes are invalid, nothing is applied: {file}: {string.Join("; ", errors)}");
        }

        active.Use(routes);
        LogLoaded(logger, routes.Routes.Count, file, string.Join(", ", routes.Routes.Select(r => $"{r.Name} -> {r.Binding}")));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Routes} routes from {File}: {Summary}")]
    private static partial void LogLoaded(ILogger logger, int routes, string file, string summary);
}
