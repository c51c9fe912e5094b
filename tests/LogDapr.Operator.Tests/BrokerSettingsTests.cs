using System.Globalization;
using System.Text.Json.Nodes;
using LogDapr.Formats.Yaml;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Serialization;
using LogDapr.Operator.Tests.Support;
using static LogDapr.Operator.Tests.Support.Rendered;

namespace LogDapr.Operator.Tests;

/// <summary>
/// Broker settings that make the pipeline work on real Dapr (dapr/dapr v1.16.0, components-contrib v1.16.0).
/// Bulk subscribe is native only on Kafka; on Redis and JetStream daprd emulates it
/// (pkg/runtime/pubsub/default_bulksub.go): each message the component hands over blocks until its batch is
/// flushed, so a batch holds at most as many messages as the component processes at once, and a batch that does
/// not fill waits for the maxAwaitDurationMs tick. Redis processes `concurrency` messages at once (default 10,
/// pubsub/redis/metadata.yaml), JetStream one unless `concurrencyMode: parallel` (pubsub/jetstream/metadata.go),
/// bounded by the consumer's maxAckPending.
/// </summary>
public sealed class BrokerSettingsTests
{
    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);

    private const string Postgres = "  postgres: {connectionStringSecretKeyRef: {name: pg, key: connectionString}}\n";

    private static string RedisPipeline(string redisExtra = "", string aggregator = "") => Pipeline(
        "  pubsub:\n    type: redis\n    redis:\n      host: redis:6379\n" + redisExtra + Postgres + aggregator);

    private static string JetStreamPipeline(string jetstreamExtra = "", string aggregator = "") => Pipeline(
        "  pubsub:\n    type: jetstream\n    jetstream:\n      natsURL: nats://nats:4222\n" + jetstreamExtra
        + "  stateStore: {redis: {host: redis:6379}}\n" + Postgres + aggregator);

    [Fact]
    public void Redis_gets_a_concurrency_that_fills_an_emulated_bulk_batch()
    {
        var metadata = ComponentMetadata(Find(Sample("redis.yaml"), KnownResources.DaprComponents, "logs-pubsub"));
        // Default maxMessagesCount is 100; Redis' own default concurrency (10) would cap every batch at 10.
        Assert.True(Int(metadata["concurrency"]) >= 100, $"concurrency {metadata["concurrency"]}");
        Assert.True(Int(metadata["queueDepth"]) >= Int(metadata["concurrency"]), "queueDepth must keep every worker fed");

        var larger = ComponentMetadata(Find(Render(RedisPipeline(aggregator: "  aggregator: {bulkSubscribe: {maxMessagesCount: 400}}\n")), KnownResources.DaprComponents, "p-pubsub"));
        Assert.Equal("400", larger["concurrency"]);

        var explicitConcurrency = ComponentMetadata(Find(Render(RedisPipeline("      concurrency: 800\n")), KnownResources.DaprComponents, "p-pubsub"));
        Assert.Equal("800", explicitConcurrency["concurrency"]);
        Assert.True(Int(explicitConcurrency["queueDepth"]) >= 800);
    }

    [Fact]
    public void JetStream_runs_handlers_in_parallel_with_enough_unacknowledged_messages_for_every_replica_to_fill_a_batch()
    {
        var metadata = ComponentMetadata(Find(Sample("jetstream.yaml"), KnownResources.DaprComponents, "edge-pubsub"));
        // components-contrib v1.16.0 pubsub/jetstream/metadata.go reads pubsub.ConcurrencyKey = "concurrencyMode".
        Assert.Equal("parallel", metadata["concurrencyMode"]);
        Assert.Equal("5000", metadata["maxAckPending"]);
    }

    /// <summary>
    /// pubsub.jetstream makes one durable consumer per Subscribe call with durableName from the component and the
    /// topic as its only filter subject (components-contrib v1.16.0 pubsub/jetstream/jetstream.go Subscribe), so the
    /// logs and dead-letter subscriptions cannot share a component: one of the two fails to subscribe, at random
    /// (dapr/components-contrib#2385). The dead letters get a component of their own with another durable name.
    /// </summary>
    [Fact]
    public void JetStream_dead_letters_are_consumed_through_their_own_component_with_another_durable_consumer()
    {
        var result = Sample("jetstream.yaml");
        var logs = Find(result, KnownResources.DaprSubscriptions, "edge-logs")["spec"]!;
        var deadLetters = Find(result, KnownResources.DaprSubscriptions, "edge-dead-letters")["spec"]!;
        Assert.Equal("edge-pubsub", logs["pubsubname"]!.GetValue<string>());
        var dlqComponentName = deadLetters["pubsubname"]!.GetValue<string>();
        Assert.NotEqual("edge-pubsub", dlqComponentName);

        var main = ComponentMetadata(Find(result, KnownResources.DaprComponents, "edge-pubsub"));
        var dlqComponent = Find(result, KnownResources.DaprComponents, dlqComponentName);
        var dlq = ComponentMetadata(dlqComponent);
        Assert.Equal("pubsub.jetstream", dlqComponent["spec"]!["type"]!.GetValue<string>());
        Assert.Equal(main["natsURL"], dlq["natsURL"]);
        Assert.Equal(main["streamName"], dlq["streamName"]);
        Assert.Equal(main["token"], dlq["token"]);
        Assert.NotEqual(main["durableName"], dlq["durableName"]);
        Assert.Equal(dlq["durableName"], dlq["queueGroupName"]);
        // Only the aggregator loads it, and may only subscribe to the dead-letter topic through it.
        Assert.Equal(["edge-aggregator"], Scopes(dlqComponent));
        Assert.Equal("edge-logs-deadletter", dlq["allowedTopics"]);
        Assert.Equal("edge-aggregator=edge-logs-deadletter", dlq["subscriptionScopes"]);
        // Dead-letter deliveries keep the inbound retry policy.
        var targets = Find(result, KnownResources.DaprResiliencies, "edge-resiliency")["spec"]!["targets"]!["components"]!;
        Assert.NotNull(targets[dlqComponentName]!["inbound"]!["retry"]);

        // Redis consumer groups are per stream and Kafka's group takes several topics: one component there.
        Assert.Equal("logs-pubsub", Find(Sample("redis.yaml"), KnownResources.DaprSubscriptions, "logs-dead-letters")["spec"]!["pubsubname"]!.GetValue<string>());
        Assert.Equal("audit-pubsub", Find(Sample("kafka.yaml"), KnownResources.DaprSubscriptions, "audit-dead-letters")["spec"]!["pubsubname"]!.GetValue<string>());
    }

    [Fact]
    public void Kafka_bulk_subscribes_natively_and_gets_no_emulation_settings()
    {
        var result = Sample("kafka.yaml");
        var metadata = ComponentMetadata(Find(result, KnownResources.DaprComponents, "audit-pubsub"));
        Assert.DoesNotContain("concurrency", metadata.Keys);
        Assert.DoesNotContain("concurrencyMode", metadata.Keys);
        var bulk = Find(result, KnownResources.DaprSubscriptions, "audit-logs")["spec"]!["bulkSubscribe"]!;
        Assert.True(bulk["enabled"]!.GetValue<bool>());
        Assert.Equal(500, bulk["maxMessagesCount"]!.GetValue<int>());
    }

    [Fact]
    public void Bulk_subscribe_can_be_turned_off()
    {
        var result = Render(RedisPipeline(aggregator: "  aggregator: {bulkSubscribe: {enabled: false}}\n"));
        var bulk = Find(result, KnownResources.DaprSubscriptions, "p-logs")["spec"]!["bulkSubscribe"]!;
        Assert.False(bulk["enabled"]!.GetValue<bool>());
        // Without bulk, concurrency is how many single deliveries run at once: Redis' own default.
        Assert.Equal("10", ComponentMetadata(Find(result, KnownResources.DaprComponents, "p-pubsub"))["concurrency"]);
    }

    [Fact]
    public void Settings_that_would_throttle_emulated_bulk_subscribe_are_refused_even_without_the_schema()
    {
        var redis = Assert.Throws<InvalidPipelineException>(() => Render(RedisPipeline("      concurrency: 50\n")));
        Assert.Contains("pubsub.redis.concurrency", redis.Message, StringComparison.Ordinal);

        var jetstream = Assert.Throws<InvalidPipelineException>(() => Render(JetStreamPipeline("      maxAckPending: 300\n", "  aggregator: {replicas: 4}\n")));
        Assert.Contains("pubsub.jetstream.maxAckPending", jetstream.Message, StringComparison.Ordinal);

        // Turning bulk off makes both fine: nothing waits for a batch to fill.
        Render(RedisPipeline("      concurrency: 50\n", "  aggregator: {bulkSubscribe: {enabled: false}}\n"));
        Render(JetStreamPipeline("      maxAckPending: 300\n", "  aggregator: {replicas: 4, bulkSubscribe: {enabled: false}}\n"));
    }

    [Fact]
    public void Redis_streams_are_not_trimmed_unless_maxLenApprox_is_set()
    {
        // XADD MAXLEN ~ trims entries whether or not they were delivered; daprd's reclaim loop then acknowledges
        // the vanished ids (components-contrib v1.16.0 pubsub/redis/redis.go): silent loss. No default trim.
        var metadata = ComponentMetadata(Find(Sample("redis.yaml"), KnownResources.DaprComponents, "logs-pubsub"));
        Assert.DoesNotContain("maxLenApprox", metadata.Keys);

        var set = ComponentMetadata(Find(Render(RedisPipeline("      maxLenApprox: 5000000\n")), KnownResources.DaprComponents, "p-pubsub"));
        Assert.Equal("5000000", set["maxLenApprox"]);

        var crd = YamlDocuments.Parse(File.ReadAllText(RepoPaths.CrdFile))[0]!;
        var field = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!["pubsub"]!["properties"]!["redis"]!["properties"]!["maxLenApprox"]!.AsObject();
        Assert.Null(field["default"]);
        Assert.Contains("lost", field["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
