using System.Text.Json.Nodes;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Secrets;
using LogDapr.Operator.Tests.Support;

namespace LogDapr.Operator.Tests;

/// <summary>
/// Pods roll when what their sidecar loads at start changes: the pod template's dapr-config checksum covers exactly the
/// Dapr resources scoped to that pod's app id. Pure rendering; the Secret side is in <see cref="SecretRotationTests"/>.
/// </summary>
public sealed class PodChecksumTests
{
    private const string RedisSpec = """
          pubsub:
            type: redis
            redis: {host: "redis:6379"}
          stateStore:
            type: redis
            redis: {host: "state-redis:6379"}
          postgres:
            connectionStringSecretKeyRef: {name: pg, key: url}
        """;

    private const string KafkaSpec = """
          pubsub:
            type: kafka
            kafka: {brokers: ["kafka-0:9092"], tls: {enabled: false}}
          stateStore:
            type: redis
            redis: {host: "state-redis:6379"}
          postgres:
            connectionStringSecretKeyRef: {name: pg, key: url}
        """;

    private static (string Ingest, string Aggregator) Checksums(RenderResult result) =>
        (Rendered.Annotation(Rendered.Find(result, KnownResources.Deployments, "p-ingest"), PodChecksums.DaprConfigAnnotation)!,
         Rendered.Annotation(Rendered.Find(result, KnownResources.Deployments, "p-aggregator"), PodChecksums.DaprConfigAnnotation)!);

    /// <summary>A Deployment without the checksum annotations, to show nothing else changed.</summary>
    private static JsonObject WithoutChecksums(RenderResult result, string name)
    {
        var deployment = Rendered.Find(result, KnownResources.Deployments, name).DeepClone().AsObject();
        Rendered.PodAnnotations(deployment).Remove(PodChecksums.DaprConfigAnnotation);
        return deployment;
    }

    [Fact]
    public void Every_deployment_carries_a_stable_dapr_config_checksum_and_no_secrets_checksum_offline()
    {
        var first = Rendered.Render(Rendered.Pipeline(RedisSpec));
        var second = Rendered.Render(Rendered.Pipeline(RedisSpec));

        var (ingest, aggregator) = Checksums(first);
        Assert.Matches("^[0-9a-f]{64}$", ingest);
        Assert.Matches("^[0-9a-f]{64}$", aggregator);
        Assert.NotEqual(ingest, aggregator);
        Assert.Equal(Checksums(first), Checksums(second));
        // Offline there are no Secret values to hash: the controller adds this one.
        Assert.Null(Rendered.Annotation(Rendered.Find(first, KnownResources.Deployments, "p-ingest"), PodChecksums.SecretsAnnotation));
    }

    [Fact]
    public void Changing_the_broker_type_changes_both_checksums_and_nothing_else_of_the_pod_templates_that_load_it()
    {
        var redis = Rendered.Render(Rendered.Pipeline(RedisSpec));
        var kafka = Rendered.Render(Rendered.Pipeline(KafkaSpec));

        Assert.NotEqual(Checksums(redis).Ingest, Checksums(kafka).Ingest);
        Assert.NotEqual(Checksums(redis).Aggregator, Checksums(kafka).Aggregator);
        Assert.True(JsonNode.DeepEquals(WithoutChecksums(redis, "p-ingest"), WithoutChecksums(kafka, "p-ingest")));
        Assert.True(JsonNode.DeepEquals(WithoutChecksums(redis, "p-aggregator"), WithoutChecksums(kafka, "p-aggregator")));
    }

    [Fact]
    public void Changing_a_broker_address_rolls_both_workloads_since_both_sidecars_load_the_pubsub()
    {
        var before = Rendered.Render(Rendered.Pipeline(KafkaSpec));
        var after = Rendered.Render(Rendered.Pipeline(KafkaSpec.Replace("kafka-0:9092", "kafka-1:9092", StringComparison.Ordinal)));

        Assert.NotEqual(Checksums(before).Ingest, Checksums(after).Ingest);
        Assert.NotEqual(Checksums(before).Aggregator, Checksums(after).Aggregator);
        Assert.True(JsonNode.DeepEquals(WithoutChecksums(before, "p-ingest"), WithoutChecksums(after, "p-ingest")));
        Assert.True(JsonNode.DeepEquals(WithoutChecksums(before, "p-aggregator"), WithoutChecksums(after, "p-aggregator")));
    }

    [Fact]
    public void A_component_only_ingest_loads_changes_only_the_ingest_checksum()
    {
        // The state store is scoped to ingest: the aggregator's sidecar never loads it.
        var before = Rendered.Render(Rendered.Pipeline(RedisSpec));
        var after = Rendered.Render(Rendered.Pipeline(RedisSpec.Replace("state-redis:6379", "state-redis-2:6379", StringComparison.Ordinal)));

        Assert.NotEqual(Checksums(before).Ingest, Checksums(after).Ingest);
        Assert.Equal(Checksums(before).Aggregator, Checksums(after).Aggregator);
    }

    [Fact]
    public void What_only_the_aggregator_sidecar_loads_changes_only_its_checksum()
    {
        // The Resiliency (like the Subscriptions) is scoped to the aggregator.
        var before = Rendered.Render(Rendered.Pipeline(RedisSpec));
        var after = Rendered.Render(Rendered.Pipeline(RedisSpec + "\n  resiliency: {sink: {timeoutSeconds: 20}}\n"));

        Assert.Equal(Checksums(before).Ingest, Checksums(after).Ingest);
        Assert.NotEqual(Checksums(before).Aggregator, Checksums(after).Aggregator);
    }

    [Fact]
    public void A_change_outside_the_dapr_resources_leaves_both_checksums()
    {
        var before = Rendered.Render(Rendered.Pipeline(RedisSpec));
        var after = Rendered.Render(Rendered.Pipeline(RedisSpec + "\n  ingest: {replicas: 5}\n  aggregator: {replicas: 3}\n"));

        Assert.Equal(Checksums(before), Checksums(after));
    }

    [Fact]
    public void Pods_reference_the_secret_keys_they_and_their_sidecar_read_at_start_but_not_hot_reloaded_volumes()
    {
        var result = Rendered.Render(Rendered.Pipeline("""
              pubsub:
                type: redis
                redis: {host: "redis:6379", passwordSecretKeyRef: {name: redis, key: password}}
              stateStore:
                type: postgresql
                postgresql: {connectionStringSecretKeyRef: {name: pg-state, key: url}}
              postgres:
                connectionStringSecretKeyRef: {name: pg, key: url}
              ingest:
                auth: {enabled: true, apiKeysSecretName: api-keys}
            """));
        RenderedObject Deployment(string name) => result.Objects.Single(o => o.Type == KnownResources.Deployments && o.Name == name);

        Assert.Equal(
            [new SecretKeyRef("pg-state", "url"), new SecretKeyRef("redis", "password")],
            PodSecretReferences.For(Deployment("p-ingest"), result.Objects));
        Assert.Equal(
            [new SecretKeyRef("p-app-token", "token"), new SecretKeyRef("pg", "url"), new SecretKeyRef("redis", "password")],
            PodSecretReferences.For(Deployment("p-aggregator"), result.Objects));
    }
}
