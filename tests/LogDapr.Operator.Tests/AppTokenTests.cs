using System.Text;
using System.Text.Json.Nodes;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Tests.Support;
using LogDapr.TestSupport;
using static LogDapr.Operator.Tests.Support.Rendered;

namespace LogDapr.Operator.Tests;

/// <summary>
/// Dapr's app token: with dapr.io/app-token-secret the injector gives daprd APP_API_TOKEN from that Secret's key
/// "token" (dapr/dapr v1.16.0 pkg/injector/patcher/sidecar_container.go), and daprd sends it as dapr-api-token on
/// every call to the app. The aggregator gets the same Secret key as its own APP_API_TOKEN, so only its sidecar can
/// call /dapr/*. The operator creates a random token Secret per pipeline unless the spec names one.
/// </summary>
public sealed class AppTokenTests
{
    private const string TokenKey = "token";

    private static (string? Name, string? Key) SecretKeyRef(JsonObject env) =>
        (env["valueFrom"]?["secretKeyRef"]?["name"]?.GetValue<string>(), env["valueFrom"]?["secretKeyRef"]?["key"]?.GetValue<string>());

    [Fact]
    public void The_aggregator_and_its_sidecar_get_the_token_from_one_Secret()
    {
        var result = Sample("redis.yaml");
        var aggregator = Find(result, KnownResources.Deployments, "logs-aggregator");
        Assert.Equal("logs-app-token", Annotation(aggregator, "dapr.io/app-token-secret"));
        Assert.Equal(("logs-app-token", TokenKey), SecretKeyRef(Env(aggregator)["APP_API_TOKEN"]));
        Assert.Null(Env(aggregator)["APP_API_TOKEN"]["value"]);

        var ingest = Find(result, KnownResources.Deployments, "logs-ingest");
        Assert.Null(Annotation(ingest, "dapr.io/app-token-secret"));
        Assert.DoesNotContain("APP_API_TOKEN", Env(ingest).Keys);
    }

    [Fact]
    public void A_Secret_named_in_the_spec_is_used_and_checked_instead()
    {
        var result = Render(Pipeline(
            "  pubsub: {type: redis, redis: {host: \"redis:6379\"}}\n  postgres: {connectionStringSecretKeyRef: {name: pg, key: connectionString}}\n"
            + "  aggregator: {appTokenSecretName: team-app-token}\n"));
        var aggregator = Find(result, KnownResources.Deployments, "p-aggregator");
        Assert.Equal("team-app-token", Annotation(aggregator, "dapr.io/app-token-secret"));
        Assert.Equal(("team-app-token", TokenKey), SecretKeyRef(Env(aggregator)["APP_API_TOKEN"]));
        Assert.Contains(result.SecretReferences, r => r.SecretName == "team-app-token" && r.Key == TokenKey && r.FieldPath == "spec.aggregator.appTokenSecretName");
    }

    private static string Token(JsonObject secret) => Encoding.UTF8.GetString(Convert.FromBase64String(secret["data"]![TokenKey]!.GetValue<string>()));

    [Fact]
    public async Task The_operator_creates_a_random_token_Secret_per_pipeline_owned_by_it_and_never_overwrites_it()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        cluster.Apply(Samples.Minimal.Split("---\n")[2].Replace("name: demo", "name: other", StringComparison.Ordinal));
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        await cluster.WaitForConditionAsync("team", "other", PipelineConditions.Ready, "True");

        var secret = cluster.Server.Get(KnownResources.Secrets, "team", "demo-app-token");
        var token = Token(secret);
        Assert.True(token.Length >= 32, $"token of {token.Length} characters");
        Assert.Equal(cluster.Pipeline("team", "demo").Uid(), secret.ControllerOwner()!.GetString("uid"));
        Assert.NotEqual(token, Token(cluster.Server.Get(KnownResources.Secrets, "team", "other-app-token")));
        Assert.Contains(cluster.Pipeline("team", "demo")["status"]!["objects"]!.AsArray(), o => o!["kind"]!.GetValue<string>() == "Secret" && o["name"]!.GetValue<string>() == "demo-app-token");

        // A later reconcile leaves it alone, and so does one after someone rotated the token by hand.
        var generation = cluster.Pipeline("team", "demo")["metadata"].GetLong("generation");
        cluster.EditPipeline("team", "demo", p => p["spec"]!["ingest"]!["replicas"] = 3);
        await Eventually.TrueAsync(() => cluster.Pipeline("team", "demo")["status"].GetLong("observedGeneration") == generation + 1, "the edit to be reconciled");
        Assert.Equal(secret.ResourceVersion(), cluster.Server.Get(KnownResources.Secrets, "team", "demo-app-token").ResourceVersion());

        var rotated = cluster.Server.Get(KnownResources.Secrets, "team", "demo-app-token");
        rotated["data"]![TokenKey] = Convert.ToBase64String(Encoding.UTF8.GetBytes("rotated-by-the-platform-team-0123456789"));
        cluster.Server.Update(KnownResources.Secrets, rotated, "kubectl");
        cluster.EditPipeline("team", "demo", p => p["spec"]!["ingest"]!["replicas"] = 2);
        await Eventually.TrueAsync(() => cluster.Pipeline("team", "demo")["status"].GetLong("observedGeneration") == generation + 2, "the second edit to be reconciled");
        Assert.Equal("rotated-by-the-platform-team-0123456789", Token(cluster.Server.Get(KnownResources.Secrets, "team", "demo-app-token")));

        // Deleting the pipeline deletes its token with it.
        cluster.Server.Delete(KnownResources.LogPipelines, "team", "demo");
        await Eventually.TrueAsync(() => cluster.Server.TryGet(KnownResources.Secrets, "team", "demo-app-token") is null, "the token Secret to be garbage-collected");
    }

    [Fact]
    public async Task A_same_named_Secret_without_the_token_key_is_reported_not_overwritten()
    {
        await using var cluster = new TestCluster();
        cluster.Apply("apiVersion: v1\nkind: Secret\nmetadata: {name: demo-app-token, namespace: team}\nstringData: {password: mine}\n");
        cluster.Start();
        cluster.Apply(Samples.Minimal);

        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "False", PipelineConditions.Reasons.SecretKeyNotFound);
        Assert.Contains("demo-app-token", TestCluster.Condition(cluster.Pipeline("team", "demo"), PipelineConditions.Ready, "message"), StringComparison.Ordinal);
        var secret = cluster.Server.Get(KnownResources.Secrets, "team", "demo-app-token");
        Assert.Null(secret["data"]![TokenKey]);
        Assert.NotNull(secret["data"]!["password"]);
    }

    [Fact]
    public async Task A_named_token_Secret_is_required_and_none_is_generated()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal.Replace(
            "  postgres:\n",
            "  aggregator: {appTokenSecretName: team-token}\n  postgres:\n",
            StringComparison.Ordinal));

        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "False", PipelineConditions.Reasons.SecretNotFound);
        Assert.Contains("spec.aggregator.appTokenSecretName", TestCluster.Condition(cluster.Pipeline("team", "demo"), PipelineConditions.Ready, "message"), StringComparison.Ordinal);
        Assert.Null(cluster.Server.TryGet(KnownResources.Secrets, "team", "demo-app-token"));

        cluster.Apply("apiVersion: v1\nkind: Secret\nmetadata: {name: team-token, namespace: team}\nstringData: {token: 0123456789abcdef0123456789abcdef}\n");
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        Assert.Null(cluster.Server.TryGet(KnownResources.Secrets, "team", "demo-app-token"));
    }
}
