using System.Text;
using System.Text.Json.Nodes;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Operator.Tests;

/// <summary>The controller with spec.processing: its objects, the redaction key Secret, rules roll-outs, switching off.</summary>
public sealed class ProcessingControllerTests
{
    private static JsonObject? Owned(TestCluster cluster, ResourceType type, string name) => cluster.Server.TryGet(type, "team", name);

    private static string RedactionKeyText(TestCluster cluster) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(cluster.Server.Get(KnownResources.Secrets, "team", "demo-redaction-key")["data"]![RedactionKey.SecretKey]!.GetValue<string>()));

    private static string? RulesChecksum(TestCluster cluster) =>
        Owned(cluster, KnownResources.Deployments, "demo-processor")?["spec"]?["template"]?["metadata"]?["annotations"]?[ProcessingRules.ChecksumAnnotation]?.GetValue<string>();

    private static string? AggregatorTopic(TestCluster cluster) =>
        Owned(cluster, KnownResources.Deployments, "demo-aggregator")?["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
            .FirstOrDefault(e => e!["name"]!.GetValue<string>() == "Pipeline__Topic")?["value"]?.GetValue<string>();

    private static JsonObject Processing(double rate) => new()
    {
        ["transforms"] = new JsonArray(new JsonObject { ["sample"] = new JsonObject { ["rate"] = rate }, ["when"] = "severity == debug" }),
        ["redaction"] = new JsonObject { ["presets"] = new JsonArray("email"), ["mode"] = "hash" },
    };

    [Fact]
    public async Task Processing_on_renders_the_processor_and_a_hash_key_once_a_rules_change_rolls_it_and_off_removes_it()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        Assert.Null(Owned(cluster, KnownResources.Deployments, "demo-processor"));
        Assert.Null(cluster.Pipeline("team", "demo")["status"]!["processedTopic"]);

        cluster.EditPipeline("team", "demo", p => p["spec"]!["processing"] = Processing(0.1));
        await Eventually.TrueAsync(
            () => Owned(cluster, KnownResources.Deployments, "demo-processor") is not null
                && cluster.Pipeline("team", "demo")["status"]?["processedTopic"]?.GetValue<string>() == "logs-processed",
            "the processor to be rendered");
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        Assert.NotNull(Owned(cluster, KnownResources.ConfigMaps, "demo-processing"));
        Assert.NotNull(Owned(cluster, KnownResources.DaprSubscriptions, "demo-processor-logs"));
        Assert.Equal("logs-processed", AggregatorTopic(cluster));
        var secret = cluster.Server.Get(KnownResources.Secrets, "team", "demo-redaction-key");
        Assert.Equal(cluster.Pipeline("team", "demo").Uid(), secret.ControllerOwner()!.GetString("uid"));
        var key = RedactionKeyText(cluster);
        Assert.Equal(RedactionKey.KeyBytes, Convert.FromBase64String(key).Length);
        var checksum = RulesChecksum(cluster);

        // New rules: a new ConfigMap content and checksum (the processor rolls); the key stays (hashes stay comparable).
        cluster.EditPipeline("team", "demo", p => p["spec"]!["processing"] = Processing(0.5));
        await Eventually.TrueAsync(() => RulesChecksum(cluster) is { } now && now != checksum, "the rules change to reach the processor's pod template");
        Assert.Contains("0.5", Owned(cluster, KnownResources.ConfigMaps, "demo-processing")!["data"]![ProcessingRules.FileName]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(key, RedactionKeyText(cluster));

        cluster.EditPipeline("team", "demo", p => p["spec"]!["processing"]!["enabled"] = false);
        await Eventually.TrueAsync(
            () => Owned(cluster, KnownResources.Deployments, "demo-processor") is null
                && Owned(cluster, KnownResources.ConfigMaps, "demo-processing") is null
                && Owned(cluster, KnownResources.DaprSubscriptions, "demo-processor-logs") is null
                && AggregatorTopic(cluster) == "logs",
            "the processor's objects to be pruned and the aggregator to read the topic again");
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        Assert.Null(cluster.Pipeline("team", "demo")["status"]!["processedTopic"]);
    }
}
