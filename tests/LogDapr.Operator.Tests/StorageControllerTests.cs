using System.Text;
using System.Text.Json.Nodes;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Operator.Tests;

/// <summary>The controller with spec.storage: the cursor key Secret, pruning on disable, readiness, refusals.</summary>
public sealed class StorageControllerTests
{
    private static JsonObject? Owned(TestCluster cluster, ResourceType type, string name) => cluster.Server.TryGet(type, "team", name);

    private static string CursorKeyText(TestCluster cluster) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(cluster.Server.Get(KnownResources.Secrets, "team", "demo-cursor-key")["data"]![CursorKey.SecretKey]!.GetValue<string>()));

    [Fact]
    public async Task The_cursor_key_Secret_is_created_once_owned_by_the_pipeline_and_never_rotated()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");

        var secret = cluster.Server.Get(KnownResources.Secrets, "team", "demo-cursor-key");
        Assert.Equal(cluster.Pipeline("team", "demo").Uid(), secret.ControllerOwner()!.GetString("uid"));
        var key = CursorKeyText(cluster);
        Assert.Equal(CursorKey.KeyBytes, Convert.FromBase64String(key).Length);
        Assert.Contains(cluster.Pipeline("team", "demo")["status"]!["objects"]!.AsArray(), o => o!["kind"]!.GetValue<string>() == "Secret" && o["name"]!.GetValue<string>() == "demo-cursor-key");

        // Another generation is reconciled: the key stays (a new one would void every cursor clients hold).
        var generation = cluster.Pipeline("team", "demo").Generation();
        cluster.EditPipeline("team", "demo", p => p["spec"]!["storage"] = new JsonObject { ["replicas"] = 2 });
        await Eventually.TrueAsync(
            () => cluster.Pipeline("team", "demo")["status"].GetLong("observedGeneration") == generation + 1
                && Owned(cluster, KnownResources.Deployments, "demo-store")?["spec"].GetLong("replicas") == 2,
            "the new generation to be reconciled");
        Assert.Equal(key, CursorKeyText(cluster));
    }

    [Fact]
    public async Task Switching_storage_off_removes_the_store_objects_and_on_brings_them_back()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        Assert.NotNull(Owned(cluster, KnownResources.Deployments, "demo-store"));
        Assert.NotNull(Owned(cluster, KnownResources.Services, "demo-store"));
        Assert.NotNull(Owned(cluster, KnownResources.DaprSubscriptions, "demo-store-logs"));
        Assert.NotNull(cluster.Pipeline("team", "demo")["status"]!["logsEndpoint"]);
        var key = CursorKeyText(cluster);

        cluster.EditPipeline("team", "demo", p => p["spec"]!["storage"] = new JsonObject { ["enabled"] = false });
        await Eventually.TrueAsync(
            () => Owned(cluster, KnownResources.Deployments, "demo-store") is null
                && Owned(cluster, KnownResources.Services, "demo-store") is null
                && Owned(cluster, KnownResources.DaprSubscriptions, "demo-store-logs") is null,
            "the store's objects to be pruned");
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        var pubsub = Owned(cluster, KnownResources.DaprComponents, "demo-pubsub")!;
        Assert.DoesNotContain(pubsub["scopes"]!.AsArray(), s => s!.GetValue<string>() == "demo-store");
        Assert.Null(cluster.Pipeline("team", "demo")["status"]!["logsEndpoint"]);

        cluster.EditPipeline("team", "demo", p => p["spec"]!["storage"] = new JsonObject { ["enabled"] = true });
        await Eventually.TrueAsync(() => Owned(cluster, KnownResources.Deployments, "demo-store") is not null, "the store to come back");
        // The cursor key was kept meanwhile: cursors handed out before still verify.
        Assert.Equal(key, CursorKeyText(cluster));
    }

    [Fact]
    public async Task The_pipeline_is_not_Ready_until_the_store_is_available()
    {
        await using var cluster = new TestCluster();
        cluster.DeploymentBecomesAvailable = name => name != "demo-store";
        cluster.Start();
        cluster.Apply(Samples.Minimal);

        // Ingest and the aggregator become available; the pipeline still waits for the store, and says so.
        await Eventually.TrueAsync(
            () => TestCluster.Condition(cluster.Pipeline("team", "demo"), PipelineConditions.Ready, "message") is { } message
                && message.Contains("Deployment demo-store: 0/1 replicas available", StringComparison.Ordinal)
                && !message.Contains("demo-aggregator", StringComparison.Ordinal),
            "Ready to wait for the store only");
        var pipeline = cluster.Pipeline("team", "demo");
        Assert.Equal("False", TestCluster.Condition(pipeline, PipelineConditions.Ready));
        Assert.Equal(PipelineConditions.Reasons.RollingOut, TestCluster.Condition(pipeline, PipelineConditions.Ready, "reason"));

        cluster.DeploymentBecomesAvailable = _ => true;
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True", PipelineConditions.Reasons.Available);
    }

    [Fact]
    public async Task An_archive_type_outside_the_allow_list_is_reported_and_nothing_is_applied()
    {
        await using var cluster = new TestCluster();
        // Stored without the CRD's enum (a LogPipeline admitted by an older CRD).
        cluster.Server.AddAdmission(KnownResources.LogPipelines, obj => (obj, []));
        cluster.Start();
        cluster.Apply(Samples.Minimal.Replace(
            "    connectionStringSecretKeyRef: {name: pg, key: connectionString}",
            "    connectionStringSecretKeyRef: {name: pg, key: connectionString}\n  storage:\n    archive: {type: bindings.http, metadata: [{name: url, value: \"http://example.com\"}]}",
            StringComparison.Ordinal));

        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "False", PipelineConditions.Reasons.UnsupportedArchiveType);
        Assert.Contains("storage.archive.type \"bindings.http\"", TestCluster.Condition(cluster.Pipeline("team", "demo"), PipelineConditions.Ready, "message"), StringComparison.Ordinal);
        foreach (var type in KnownResources.Owned)
        {
            Assert.Empty(cluster.Server.All(type, "team"));
        }
    }
}
