using System.Net;
using System.Text.Json.Nodes;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Tests.Support;
using LogDapr.Operator.Tests.Support.Fakes;
using LogDapr.TestSupport;

namespace LogDapr.Operator.Tests;

/// <summary>
/// A field the server's schema lacks is never dropped silently: applies ask for fieldValidation=Strict, the fake
/// refuses undeclared fields of custom resources as the apiserver's server-side apply does, and the pipeline gets a
/// condition naming the field.
/// </summary>
public sealed class StrictApplyTests
{
    private static JsonObject Subscription(bool withBulkSubscribe)
    {
        var spec = new JsonObject { ["pubsubname"] = "p", ["topic"] = "logs", ["routes"] = new JsonObject { ["default"] = "/in" } };
        if (withBulkSubscribe)
        {
            spec["bulkSubscribe"] = new JsonObject { ["enabled"] = true, ["maxMessagesCount"] = 100 };
        }
        return new JsonObject
        {
            ["apiVersion"] = "dapr.io/v2alpha1",
            ["kind"] = "Subscription",
            ["metadata"] = new JsonObject { ["name"] = "s", ["namespace"] = "ns" },
            ["spec"] = spec,
        };
    }

    private static void DropBulkSubscribe(FakeApiServer server) =>
        DaprInstallation.EditCrd(server, "subscriptions.dapr.io", crd =>
            DaprInstallation.Schema(crd, "v2alpha1")["properties"]!["spec"]!["properties"]!.AsObject().Remove("bulkSubscribe"));

    [Fact]
    public async Task The_client_applies_with_Strict_field_validation_and_an_undeclared_field_is_an_error_naming_it()
    {
        var server = new FakeApiServer();
        DaprInstallation.Install(server);
        using var client = new KubernetesApiClient(ApiServerHttpHandler.Configuration, new ApiServerHttpHandler(server, "logdapr-operator"));

        await client.ApplyAsync(KnownResources.DaprSubscriptions, Subscription(withBulkSubscribe: true), "logdapr-operator", force: true, CancellationToken.None);
        Assert.Equal("Strict", Assert.Single(server.Applies).FieldValidation);

        // An older subscriptions.dapr.io without bulkSubscribe: refused, not stored without it.
        DropBulkSubscribe(server);
        var refused = await Assert.ThrowsAsync<KubeApiException>(() =>
            client.ApplyAsync(KnownResources.DaprSubscriptions, Subscription(withBulkSubscribe: true), "logdapr-operator", force: true, CancellationToken.None));
        Assert.True(refused.IsUnknownField, refused.Message);
        Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        Assert.Equal(
            "failed to create typed patch object (ns/s; dapr.io/v2alpha1, Kind=Subscription): .spec.bulkSubscribe: field not declared in schema",
            refused.Message);
        Assert.True(JsonNode.DeepEquals(Subscription(withBulkSubscribe: true)["spec"], server.Get(KnownResources.DaprSubscriptions, "ns", "s")["spec"]), "the stored object must be unchanged");

        // Without the field the same apply goes through.
        await client.ApplyAsync(KnownResources.DaprSubscriptions, Subscription(withBulkSubscribe: false), "logdapr-operator", force: true, CancellationToken.None);
    }

    [Fact]
    public void The_fake_refuses_an_unknown_fieldValidation_value_and_checks_only_custom_resources_with_a_stored_CRD()
    {
        var server = new FakeApiServer();
        var error = Assert.Throws<KubeApiException>(() => server.Apply(KnownResources.DaprSubscriptions, Subscription(true), "m", force: true, fieldValidation: "strict"));
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);

        // No CRD stored: nothing to type the patch against (as a fake that does not model the kind).
        server.Apply(KnownResources.DaprSubscriptions, Subscription(true), "m", force: true, fieldValidation: "Strict");
    }

    [Fact]
    public async Task A_CRD_that_lacks_a_rendered_field_at_apply_time_gives_the_pipeline_an_UnknownField_condition_naming_it()
    {
        await using var cluster = new TestCluster();
        var options = TestCluster.FastOptions;
        // The Dapr check's cached answer predates the CRD change below, so only the apply can notice it.
        options = options with { DaprCheckInterval = TimeSpan.FromHours(1) };
        cluster.Start(options);
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");

        DropBulkSubscribe(cluster.Server);
        cluster.EditPipeline("team", "demo", p => p["spec"]!["pubsub"]!["topic"] = "app-logs");

        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Degraded, "True", PipelineConditions.Reasons.UnknownField);
        var message = TestCluster.Condition(cluster.Pipeline("team", "demo"), PipelineConditions.Degraded, "message")!;
        Assert.StartsWith("The API server refused Subscription demo-logs (dapr.io/v2alpha1): its schema lacks a field LogDapr renders.", message, StringComparison.Ordinal);
        Assert.Contains(".spec.bulkSubscribe: field not declared in schema", message, StringComparison.Ordinal);
        Assert.Contains("Install the CRDs of Dapr", message, StringComparison.Ordinal);
        // The Subscription kept what it had: nothing was pruned from it.
        var subscription = cluster.Server.Get(KnownResources.DaprSubscriptions, "team", "demo-logs");
        Assert.Equal("logs", subscription["spec"].GetString("topic"));
        Assert.NotNull(subscription["spec"]!["bulkSubscribe"]);
    }
}
