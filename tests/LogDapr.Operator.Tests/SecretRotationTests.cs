using System.Text;
using System.Text.Json.Nodes;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Secrets;
using LogDapr.Operator.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Operator.Tests;

/// <summary>
/// Rotating a referenced Secret rolls the pods that read it: the controller watches Secrets (metadata only), enqueues
/// the pipelines that reference the changed one, and the new values' keyed hash lands in the pod template.
/// </summary>
public sealed class SecretRotationTests
{
    private static JsonObject Deployment(TestCluster cluster, string name) => cluster.Server.Get(KnownResources.Deployments, "team", name);

    private static string? PodSecretsChecksum(TestCluster cluster, string name) => Rendered.Annotation(Deployment(cluster, name), PodChecksums.SecretsAnnotation);

    private static void SetSecretValue(TestCluster cluster, string name, string key, string value)
    {
        var secret = cluster.Server.Get(KnownResources.Secrets, "team", name);
        secret["data"]![key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
        cluster.Server.Update(KnownResources.Secrets, secret, "kubectl-edit");
    }

    [Fact]
    public async Task Rotating_a_referenced_secret_changes_the_pod_template_of_the_pods_that_read_it_only()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        cluster.Apply("apiVersion: v1\nkind: Secret\nmetadata: {name: unrelated, namespace: team}\nstringData: {value: one}\n");
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        var ingestBefore = PodSecretsChecksum(cluster, "demo-ingest");
        var aggregatorBefore = PodSecretsChecksum(cluster, "demo-aggregator");
        var aggregatorGeneration = Deployment(cluster, "demo-aggregator")["metadata"].GetLong("generation");
        Assert.Matches("^[0-9a-f]{64}$", ingestBefore);
        Assert.Matches("^[0-9a-f]{64}$", aggregatorBefore);

        // A Secret no pipeline references: nothing to roll.
        SetSecretValue(cluster, "unrelated", "value", "two");
        // The Postgres Secret: read by the aggregator (its env and its sidecar's binding), not by ingest (Redis state store).
        SetSecretValue(cluster, "pg", "connectionString", "postgres://logdapr:rotated@pg:5432/logs?sslmode=require");

        await Eventually.TrueAsync(() => PodSecretsChecksum(cluster, "demo-aggregator") != aggregatorBefore, "the aggregator's pod template to get the new checksum");
        Assert.Equal(ingestBefore, PodSecretsChecksum(cluster, "demo-ingest"));
        // One new generation (one rollout) for the one relevant change.
        Assert.Equal(aggregatorGeneration + 1, Deployment(cluster, "demo-aggregator")["metadata"].GetLong("generation"));
        // The hash is not the value, and no value is in the pod template.
        Assert.DoesNotContain("rotated", Deployment(cluster, "demo-aggregator").ToJsonString(), StringComparison.Ordinal);

        // The Redis password is read by both sidecars (pub/sub, and the state store that shares the Redis).
        SetSecretValue(cluster, "redis", "password", "rotated-too");
        await Eventually.TrueAsync(() => PodSecretsChecksum(cluster, "demo-ingest") != ingestBefore, "the ingest pod template to get the new checksum");
    }

    [Fact]
    public async Task The_secret_informer_keeps_metadata_only()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");

        var secrets = cluster.Controller!.Informers.Where(i => i.Type == KnownResources.Secrets).SelectMany(i => i.Items).ToList();
        Assert.Contains(secrets, s => s.Name() == "pg");
        Assert.All(secrets, s => Assert.Null(s["data"]));
    }

    [Fact]
    public void The_metadata_view_of_a_secret_drops_data_and_managed_fields()
    {
        var secret = JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Secret","type":"Opaque","metadata":{"name":"pg","namespace":"team","resourceVersion":"7","managedFields":[{"manager":"kubectl"}]},"data":{"k":"c2VjcmV0"},"stringData":{"k":"secret"}}
            """)!.AsObject();

        var view = SecretMetadataApi.MetadataOnly(secret);

        Assert.Equal("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"pg","namespace":"team","resourceVersion":"7"}}""", view.ToJsonString());
    }

    [Fact]
    public void The_index_maps_a_secret_to_the_pipelines_of_its_namespace_that_reference_it()
    {
        var index = new SecretReferenceIndex();
        index.Set("team/a", "team", ["pg", "redis"]);
        index.Set("team/b", "team", ["pg"]);
        index.Set("other/a", "other", ["pg"]);

        Assert.Equal(["team/a", "team/b"], index.Referencing("team", "pg"));
        Assert.Equal(["team/a"], index.Referencing("team", "redis"));
        Assert.Empty(index.Referencing("team", "unrelated"));

        index.Remove("team/a");
        Assert.Equal(["team/b"], index.Referencing("team", "pg"));
    }

    [Fact]
    public void The_checksum_is_keyed_and_moves_with_any_value()
    {
        var values = new[] { (new SecretKeyRef("pg", "url"), "one"u8.ToArray()) };

        var a = SecretsChecksum.Compute("key-1"u8.ToArray(), values);
        Assert.Equal(a, SecretsChecksum.Compute("key-1"u8.ToArray(), values));
        Assert.NotEqual(a, SecretsChecksum.Compute("key-2"u8.ToArray(), values));
        Assert.NotEqual(a, SecretsChecksum.Compute("key-1"u8.ToArray(), [(new SecretKeyRef("pg", "url"), "two"u8.ToArray())]));
        // Name/key/value boundaries are length-prefixed.
        Assert.NotEqual(
            SecretsChecksum.Compute([], [(new SecretKeyRef("ab", "c"), [])]),
            SecretsChecksum.Compute([], [(new SecretKeyRef("a", "bc"), [])]));
    }
}
