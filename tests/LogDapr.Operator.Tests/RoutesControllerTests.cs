using System.Text.Json.Nodes;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Operator.Tests;

/// <summary>The controller with spec.routes: the router's objects, routes roll-outs, invalid routes refused, removal.</summary>
public sealed class RoutesControllerTests
{
    private static JsonObject? Owned(TestCluster cluster, ResourceType type, string name) => cluster.Server.TryGet(type, "team", name);

    private static string? RoutesChecksum(TestCluster cluster) =>
        Owned(cluster, KnownResources.Deployments, "demo-router")?["spec"]?["template"]?["metadata"]?["annotations"]?[RouteRules.ChecksumAnnotation]?.GetValue<string>();

    private static JsonObject Routes(string when, string binding = "hook") => new()
    {
        ["bindings"] = new JsonArray(new JsonObject
        {
            ["name"] = "hook",
            ["type"] = "bindings.http",
            ["metadata"] = new JsonArray(new JsonObject { ["name"] = "url", ["value"] = "https://hooks.example/logs" }),
        }),
        ["routes"] = new JsonArray(new JsonObject { ["name"] = "errors", ["when"] = when, ["binding"] = binding }),
    };

    [Fact]
    public async Task Routes_render_the_router_a_change_rolls_it_invalid_routes_are_refused_and_removing_them_prunes_it()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        Assert.Null(Owned(cluster, KnownResources.Deployments, "demo-router"));

        cluster.EditPipeline("team", "demo", p => p["spec"]!["routes"] = Routes("severity >= error"));
        await Eventually.TrueAsync(() => Owned(cluster, KnownResources.Deployments, "demo-router") is not null, "the router to be rendered");
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        Assert.NotNull(Owned(cluster, KnownResources.ConfigMaps, "demo-routes"));
        Assert.NotNull(Owned(cluster, KnownResources.DaprSubscriptions, "demo-router-logs"));
        Assert.Equal(["demo-router"], Owned(cluster, KnownResources.DaprComponents, "demo-route-hook")!["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        var checksum = RoutesChecksum(cluster);
        var aggregator = Owned(cluster, KnownResources.Deployments, "demo-aggregator")!["spec"]!["template"]!.ToJsonString();

        // A changed condition: new ConfigMap content and checksum (the router rolls); the aggregator is left alone.
        cluster.EditPipeline("team", "demo", p => p["spec"]!["routes"] = Routes("severity >= warn"));
        await Eventually.TrueAsync(() => RoutesChecksum(cluster) is { } now && now != checksum, "the routes change to reach the router's pod template");
        Assert.Contains("severity >= warn", Owned(cluster, KnownResources.ConfigMaps, "demo-routes")!["data"]![RouteRules.FileName]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(aggregator, Owned(cluster, KnownResources.Deployments, "demo-aggregator")!["spec"]!["template"]!.ToJsonString());
        var applied = RoutesChecksum(cluster);

        // Routes the router would refuse: the condition says why, and what runs stays as it was.
        cluster.EditPipeline("team", "demo", p => p["spec"]!["routes"] = Routes("severity >= warn", binding: "nowhere"));
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "False", RouteRules.InvalidReason);
        var message = cluster.Pipeline("team", "demo")["status"]!["conditions"]!.AsArray()
            .Single(c => c!["type"]!.GetValue<string>() == PipelineConditions.Ready)!["message"]!.GetValue<string>();
        Assert.Contains("spec.routes.routes[0].binding: 'nowhere' is not one of spec.routes.bindings (hook)", message, StringComparison.Ordinal);
        Assert.Equal(applied, RoutesChecksum(cluster));
        Assert.Contains("severity >= warn", Owned(cluster, KnownResources.ConfigMaps, "demo-routes")!["data"]![RouteRules.FileName]!.GetValue<string>(), StringComparison.Ordinal);

        cluster.EditPipeline("team", "demo", p => p["spec"]!.AsObject().Remove("routes"));
        await Eventually.TrueAsync(
            () => Owned(cluster, KnownResources.Deployments, "demo-router") is null
                && Owned(cluster, KnownResources.Services, "demo-router") is null
                && Owned(cluster, KnownResources.ConfigMaps, "demo-routes") is null
                && Owned(cluster, KnownResources.DaprSubscriptions, "demo-router-logs") is null
                && Owned(cluster, KnownResources.DaprComponents, "demo-route-hook") is null,
            "the router's objects to be pruned");
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
    }
}
