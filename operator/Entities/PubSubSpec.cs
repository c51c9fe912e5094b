using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Configuration.Pipeline;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("The Dapr pub/sub broker, rendered as the Dapr component <metadata.name>-pubsub (reported in status.pubsubComponent) with topic (status.topic). Exactly the block that matches type is set.")]
[CelRule("self.type != 'redis' || has(self.redis)", "pubsub.redis is required when pubsub.type is redis", FieldPath = ".redis")]
[CelRule("self.type != 'kafka' || has(self.kafka)", "pubsub.kafka is required when pubsub.type is kafka", FieldPath = ".kafka")]
[CelRule("self.type != 'jetstream' || has(self.jetstream)", "pubsub.jetstream is required when pubsub.type is jetstream", FieldPath = ".jetstream")]
[CelRule("self.type == 'redis' || !has(self.redis)", "pubsub.redis is only allowed when pubsub.type is redis", FieldPath = ".redis")]
[CelRule("self.type == 'kafka' || !has(self.kafka)", "pubsub.kafka is only allowed when pubsub.type is kafka", FieldPath = ".kafka")]
[CelRule("self.type == 'jetstream' || !has(self.jetstream)", "pubsub.jetstream is only allowed when pubsub.type is jetstream", FieldPath = ".jetstream")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class PubSubSpec
{
    [JsonRequired]
    [Description("Broker type: redis (Redis Streams, pubsub.redis), kafka (pubsub.kafka) or jetstream (NATS JetStream, pubsub.jetstream).")]
    public BrokerType Type { get; set; }

    [Description("Topic that ingest publishes to and the aggregator subscribes to.")]
    [Pattern(@"^[a-zA-Z0-9._-]+$")]
    [Length(1, 249)]
    public string Topic { get; set; } = PipelineDefaults.LogsTopic;

    [Description("Consumer group of the aggregator replicas (Redis consumerID, Kafka consumerGroup, JetStream durable and queue group). Defaults to the aggregator's Dapr app id, <name>-aggregator.")]
    [Pattern(@"^[a-zA-Z0-9._-]+$")]
    [Length(1, 249)]
    public string? ConsumerGroup { get; set; }

    [Description("Dapr app ids of further apps that publish to topic through their own Dapr sidecar (any language), in this namespace. The pub/sub component is named <metadata.name>-pubsub; its scopes are <metadata.name>-ingest, <metadata.name>-aggregator and these app ids, so only their sidecars load it. They may publish to topic only and may not subscribe (a subscriber would join the aggregator's consumer group and take its messages).")]
    [Items(0, 64)]
    [ItemPattern(@"^[a-z0-9]([-a-z0-9]{0,56}[a-z0-9])?$")]
    [ListTypeSet]
    public List<string>? PublisherAppIds { get; set; }

    [Description("Redis Streams settings (type: redis).")]
    public RedisPubSubSpec? Redis { get; set; }

    [Description("Kafka settings (type: kafka).")]
    public KafkaPubSubSpec? Kafka { get; set; }

    [JsonPropertyName("jetstream")]
    [Description("NATS JetStream settings (type: jetstream).")]
    public JetStreamPubSubSpec? JetStream { get; set; }
}

public enum BrokerType
{
    [JsonStringEnumMemberName("redis")] Redis,
    [JsonStringEnumMemberName("kafka")] Kafka,
    [JsonStringEnumMemberName("jetstream")] JetStream,
}
