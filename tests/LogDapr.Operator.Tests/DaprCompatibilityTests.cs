using System.Text.Json.Nodes;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Tests.Support.Fakes;
using LogDapr.Operator.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Operator.Tests;

/// <summary>
/// The supported Dapr runtime (1.16 minimum) as the operator checks it in a cluster: the Dapr CRDs must serve the
/// versions and fields the operator renders (else the API server would silently prune them), and the sidecar
/// injector's version label, when readable, must be 1.16 or later. A mismatch is a status condition naming what is
/// missing, never a crash loop, and nothing is applied.
/// </summary>
public sealed class DaprCompatibilityTests
{
    // Condition type and reasons as users see them in `kubectl get lp -o yaml`.
    private const string DaprCompatible = "DaprCompatible";
    private const string DaprIncompatible = "DaprIncompatible";

    private static string? Message(TestCluster cluster, string type) => TestCluster.Condition(cluster.Pipeline("team", "demo"), type, "message");

    [Fact]
    public async Task Supported_Dapr_is_reported_as_compatible_with_its_version()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal);

        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        await cluster.WaitForConditionAsync("team", "demo", DaprCompatible, "True");
        Assert.Contains("1.16.0", Message(cluster, DaprCompatible), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dapr_older_than_1_16_blocks_the_pipeline_with_a_condition_naming_both_versions_and_recovers_after_an_upgrade()
    {
        await using var cluster = new TestCluster();
        DaprInstallation.SetVersion(cluster.Server, "1.15.4");
        cluster.Start();
        cluster.Apply(Samples.Minimal);

        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "False", DaprIncompatible);
        await cluster.WaitForConditionAsync("team", "demo", DaprCompatible, "False", DaprIncompatible);
        var message = Message(cluster, DaprCompatible)!;
        Assert.Contains("1.15.4", message, StringComparison.Ordinal);
        Assert.Contains("1.16", message, StringComparison.Ordinal);
        Assert.Equal("True", TestCluster.Condition(cluster.Pipeline("team", "demo"), PipelineConditions.Degraded));
        foreach (var type in KnownResources.Owned)
        {
            Assert.Empty(cluster.Server.All(type, "team"));
        }
        // The Event is recorded after the status: wait for it rather than race it.
        await Eventually.TrueAsync(() => cluster.Server.All(KnownResources.Events, "team").Any(e => e.GetString("type") == "Warning" && e.GetString("reason") == DaprIncompatible),
            "the DaprIncompatible warning Event");

        DaprInstallation.SetVersion(cluster.Server, "1.16.2");
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        await cluster.WaitForConditionAsync("team", "demo", DaprCompatible, "True");
    }

    [Fact]
    public async Task A_Dapr_CRD_without_a_field_the_operator_renders_blocks_the_pipeline_naming_the_CRD_and_field()
    {
        await using var cluster = new TestCluster();
        // An old or hand-edited subscriptions.dapr.io whose v2alpha1 schema has no bulkSubscribe: the API server
        // would prune spec.bulkSubscribe from the Subscription and Dapr would deliver one message at a time.
        DaprInstallation.EditCrd(cluster.Server, "subscriptions.dapr.io", crd =>
            DaprInstallation.Schema(crd, "v2alpha1")["properties"]!["spec"]!["properties"]!.AsObject().Remove("bulkSubscribe"));
        cluster.Start();
        cluster.Apply(Samples.Minimal);

        await cluster.WaitForConditionAsync("team", "demo", DaprCompatible, "False", DaprIncompatible);
        var message = Message(cluster, DaprCompatible)!;
        Assert.Contains("subscriptions.dapr.io", message, StringComparison.Ordinal);
        Assert.Contains("v2alpha1", message, StringComparison.Ordinal);
        Assert.Contains("spec.bulkSubscribe", message, StringComparison.Ordinal);
        Assert.Empty(cluster.Server.All(KnownResources.DaprSubscriptions, "team"));
    }

    [Fact]
    public async Task A_Dapr_CRD_that_does_not_serve_the_rendered_version_blocks_the_pipeline()
    {
        await using var cluster = new TestCluster();
        DaprInstallation.EditCrd(cluster.Server, "subscriptions.dapr.io", crd =>
        {
            var versions = crd["spec"]!["versions"]!.AsArray();
            versions.Remove(versions.OfType<JsonObject>().Single(v => v["name"]!.GetValue<string>() == "v2alpha1"));
            versions[0]!["storage"] = true;
        });
        cluster.Start();
        cluster.Apply(Samples.Minimal);

        await cluster.WaitForConditionAsync("team", "demo", DaprCompatible, "False", DaprIncompatible);
        Assert.Contains("does not serve dapr.io/v2alpha1", Message(cluster, DaprCompatible), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_Dapr_version_is_reported_as_unknown_and_does_not_block()
    {
        await using var cluster = new TestCluster();
        DaprInstallation.SetVersion(cluster.Server, null);
        cluster.Start();
        cluster.Apply(Samples.Minimal);

        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        await cluster.WaitForConditionAsync("team", "demo", DaprCompatible, "Unknown");
        Assert.Contains("app.kubernetes.io/version", Message(cluster, DaprCompatible), StringComparison.Ordinal);

        // A Dapr installed without Dapr's chart (no injector webhook under its usual name): still not blocking.
        cluster.Server.Delete(DaprInstallation.Webhooks, null, DaprInstallation.InjectorWebhook);
        cluster.EditPipeline("team", "demo", p => p["spec"]!["ingest"]!["replicas"] = 3);
        await Eventually.TrueAsync(
            () => Message(cluster, DaprCompatible)?.Contains(DaprInstallation.InjectorWebhook, StringComparison.Ordinal) == true,
            "the condition to name the missing injector webhook");
        Assert.Equal("True", TestCluster.Condition(cluster.Pipeline("team", "demo"), PipelineConditions.Ready));
    }

    [Fact]
    public async Task Without_Dapr_CRDs_the_pipeline_says_which_CRD_is_missing_and_recovers_once_installed()
    {
        await using var cluster = new TestCluster();
        DaprInstallation.Uninstall(cluster.Server);
        cluster.Start();
        cluster.Apply(Samples.Minimal);

        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "False", PipelineConditions.Reasons.DaprNotInstalled);
        await cluster.WaitForConditionAsync("team", "demo", DaprCompatible, "False", PipelineConditions.Reasons.DaprNotInstalled);
        Assert.Contains("components.dapr.io", Message(cluster, DaprCompatible), StringComparison.Ordinal);
        Assert.Empty(cluster.Server.All(KnownResources.Deployments, "team"));

        DaprInstallation.Install(cluster.Server);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
    }
}
