using k8s.Models;
using LogDapr.Configuration;

namespace LogDapr.Operator.Rendering;

/// <summary>What only the router role gets: its role and the routes file (RoutingOptions, Aggregator:Role=Router).</summary>
public static class RouterEnvironment
{
    public static readonly string RouterRole = nameof(LogDapr.Configuration.Aggregator.AggregatorRole.Router);
    public const string RoutesFileKey = ConfigKeys.RoutingRoutesFile;

    public static IEnumerable<V1EnvVar> RouterOnly()
    {
        yield return Value(StoreEnvironment.RoleKey, RouterRole);
        yield return Value(RoutesFileKey, RouteRules.FilePath);
    }

    private static V1EnvVar Value(string key, string value) => new() { Name = ConfigKeys.EnvironmentName(key), Value = value };
}
