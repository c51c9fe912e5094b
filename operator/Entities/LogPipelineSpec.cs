using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("Desired state of a LogPipeline.")]
[CelRule("self.deadLetter.topic != self.pubsub.topic", "deadLetter.topic must differ from pubsub.topic: dead letters published to the logs topic would be delivered to the aggregator again", FieldPath = ".deadLetter.topic")]
[CelRule("self.stateStore.type != 'redis' || has(self.stateStore.redis) || self.pubsub.type == 'redis'", "stateStore.redis is required when stateStore.type is redis and pubsub.type is not redis (with a Redis pub/sub its connection is reused)", FieldPath = ".stateStore")]
[CelRule("self.pubsub.type != 'redis' || !has(self.pubsub.redis) || !has(self.pubsub.redis.concurrency) || !self.aggregator.bulkSubscribe.enabled || self.pubsub.redis.concurrency >= self.aggregator.bulkSubscribe.maxMessagesCount", "pubsub.redis.concurrency must be at least aggregator.bulkSubscribe.maxMessagesCount: daprd emulates bulk subscribe on Redis and a batch holds at most concurrency messages, so every delivery would wait maxAwaitDurationMs", FieldPath = ".pubsub.redis.concurrency")]
[CelRule("self.pubsub.type != 'jetstream' || !has(self.pubsub.jetstream) || !self.aggregator.bulkSubscribe.enabled || self.pubsub.jetstream.maxAckPending >= self.aggregator.bulkSubscribe.maxMessagesCount * (has(self.aggregator.autoscaling) && self.aggregator.autoscaling.enabled ? self.aggregator.autoscaling.maxReplicas : self.aggregator.replicas)", "pubsub.jetstream.maxAckPending must be at least aggregator.bulkSubscribe.maxMessagesCount times aggregator.replicas (aggregator.autoscaling.maxReplicas while autoscaling): daprd emulates bulk subscribe on JetStream and a replica's batch holds at most its share of the unacknowledged messages, so every delivery would wait maxAwaitDurationMs", FieldPath = ".pubsub.jetstream.maxAckPending")]
[CelRule("!has(self.aggregator.autoscaling) || !self.aggregator.autoscaling.enabled || !has(self.aggregator.autoscaling.backlog) || self.pubsub.type != 'jetstream' || (has(self.aggregator.autoscaling.backlog.jetstream) && has(self.pubsub.jetstream) && has(self.pubsub.jetstream.streamName))", "aggregator.autoscaling.backlog on JetStream needs backlog.jetstream.monitoringEndpoint and pubsub.jetstream.streamName: KEDA's nats-jetstream scaler finds the consumer by stream and name on the NATS monitoring endpoint", FieldPath = ".aggregator.autoscaling.backlog")]
[CelRule("!has(self.aggregator.autoscaling) || !has(self.aggregator.autoscaling.backlog) || !has(self.aggregator.autoscaling.backlog.jetstream) || self.pubsub.type == 'jetstream'", "aggregator.autoscaling.backlog.jetstream is only allowed when pubsub.type is jetstream", FieldPath = ".aggregator.autoscaling.backlog.jetstream")]
[CelRule("!self.storage.enabled || !has(self.pubsub.consumerGroup)", "pubsub.consumerGroup cannot be set while storage.enabled is true: the aggregator and the store read the topic in consumer groups named after their Dapr app ids (<name>-aggregator, <name>-store), and one fixed group would make the store take the aggregator's messages; remove pubsub.consumerGroup or set storage.enabled to false", FieldPath = ".pubsub.consumerGroup")]
[CelRule("self.pubsub.type != 'jetstream' || !has(self.pubsub.jetstream) || !self.storage.enabled || !self.aggregator.bulkSubscribe.enabled || self.pubsub.jetstream.maxAckPending >= self.aggregator.bulkSubscribe.maxMessagesCount * (has(self.storage.autoscaling) && self.storage.autoscaling.enabled ? self.storage.autoscaling.maxReplicas : self.storage.replicas)", "pubsub.jetstream.maxAckPending must be at least aggregator.bulkSubscribe.maxMessagesCount times storage.replicas (storage.autoscaling.maxReplicas while autoscaling): the store's durable consumer has the same maxAckPending and its replicas the same bulk settings", FieldPath = ".pubsub.jetstream.maxAckPending")]
[CelRule("!self.storage.enabled || !has(self.storage.autoscaling) || !self.storage.autoscaling.enabled || !has(self.storage.autoscaling.backlog) || self.pubsub.type != 'jetstream' || (has(self.storage.autoscaling.backlog.jetstream) && has(self.pubsub.jetstream) && has(self.pubsub.jetstream.streamName))", "storage.autoscaling.backlog on JetStream needs backlog.jetstream.monitoringEndpoint and pubsub.jetstream.streamName: KEDA's nats-jetstream scaler finds the consumer by stream and name on the NATS monitoring endpoint", FieldPath = ".storage.autoscaling.backlog")]
[CelRule("!has(self.storage.autoscaling) || !has(self.storage.autoscaling.backlog) || !has(self.storage.autoscaling.backlog.jetstream) || self.pubsub.type == 'jetstream'", "storage.autoscaling.backlog.jetstream is only allowed when pubsub.type is jetstream", FieldPath = ".storage.autoscaling.backlog.jetstream")]
[CelRule("!has(self.processing) || !self.processing.enabled || !has(self.pubsub.consumerGroup)", "pubsub.consumerGroup cannot be set while processing.enabled is true: the processor reads pubsub.topic in a consumer group of its own (<name>-processor), as the aggregator and the store read theirs; remove pubsub.consumerGroup", FieldPath = ".pubsub.consumerGroup")]
[CelRule("!has(self.routes) || !has(self.pubsub.consumerGroup)", "pubsub.consumerGroup cannot be set while spec.routes is set: the router reads the topic in a consumer group of its own (<name>-router), and one fixed group would make it take the aggregator's messages; remove pubsub.consumerGroup", FieldPath = ".pubsub.consumerGroup")]
[CelRule("self.deadLetter.topic != self.pubsub.topic + '-audit'", "deadLetter.topic must differ from <pubsub.topic>-audit, the topic ingest sends its audit records to", FieldPath = ".deadLetter.topic")]
[CelRule("!has(self.processing) || !self.processing.enabled || self.deadLetter.topic != self.pubsub.topic + '-processed'", "deadLetter.topic must differ from <pubsub.topic>-processed, the topic the processor publishes processed events to", FieldPath = ".deadLetter.topic")]
[CelRule("self.pubsub.type != 'jetstream' || !has(self.pubsub.jetstream) || !has(self.processing) || !self.processing.enabled || !self.aggregator.bulkSubscribe.enabled || self.pubsub.jetstream.maxAckPending >= self.aggregator.bulkSubscribe.maxMessagesCount * (has(self.processing.autoscaling) && self.processing.autoscaling.enabled ? self.processing.autoscaling.maxReplicas : self.processing.replicas)", "pubsub.jetstream.maxAckPending must be at least aggregator.bulkSubscribe.maxMessagesCount times processing.replicas (processing.autoscaling.maxReplicas while autoscaling): the processor's durable consumer has the same maxAckPending and its replicas the same bulk settings", FieldPath = ".pubsub.jetstream.maxAckPending")]
[CelRule("!has(self.processing) || !self.processing.enabled || !has(self.processing.autoscaling) || !self.processing.autoscaling.enabled || !has(self.processing.autoscaling.backlog) || self.pubsub.type != 'jetstream' || (has(self.processing.autoscaling.backlog.jetstream) && has(self.pubsub.jetstream) && has(self.pubsub.jetstream.streamName))", "processing.autoscaling.backlog on JetStream needs backlog.jetstream.monitoringEndpoint and pubsub.jetstream.streamName: KEDA's nats-jetstream scaler finds the consumer by stream and name on the NATS monitoring endpoint", FieldPath = ".processing.autoscaling.backlog")]
[CelRule("!has(self.processing) || !has(self.processing.autoscaling) || !has(self.processing.autoscaling.backlog) || !has(self.processing.autoscaling.backlog.jetstream) || self.pubsub.type == 'jetstream'", "processing.autoscaling.backlog.jetstream is only allowed when pubsub.type is jetstream", FieldPath = ".processing.autoscaling.backlog.jetstream")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class LogPipelineSpec
{
    [JsonRequired]
    [JsonPropertyName("pubsub")]
    [Description("The message broker between ingest and the aggregator: the Dapr pub/sub component <metadata.name>-pubsub, which publishers in other languages use too (see publisherAppIds).")]
    public PubSubSpec PubSub { get; set; } = null!;

    [Description("Where ingest keeps idempotency keys (a Dapr state store component).")]
    public StateStoreSpec StateStore { get; set; } = new();

    [JsonRequired]
    [Description("The Postgres database the aggregator writes to (through a Dapr output binding) and queries.")]
    public PostgresSpec Postgres { get; set; } = null!;

    [Description("The ingest Deployment and Service (HTTP JSON and OTLP logs in, publish to the topic).")]
    public IngestSpec Ingest { get; set; } = new();

    [Description("The aggregator Deployment and Service (bulk subscriber, minute buckets, query API).")]
    public AggregatorSpec Aggregator { get; set; } = new();

    [Description("The log store (Deployment and Service <metadata.name>-store, GET /v1/logs), its retention and archive; on by default.")]
    public StorageSpec Storage { get; set; } = new();

    [Description("Central processing (mapping, enrichment, transforms, redaction) between the topic and the aggregator and store: the Deployment <metadata.name>-processor; none when omitted.")]
    public ProcessingSpec? Processing { get; set; }

    [Description("Routes forwarding matching events, after processing, to more sinks through Dapr output bindings declared here: the Deployment <metadata.name>-router; none when omitted.")]
    public RoutesSpec? Routes { get; set; }

    [Description("Where deliveries go after the last retry.")]
    public DeadLetterSpec DeadLetter { get; set; } = new();

    [Description("Retries, timeouts and circuit breaking, rendered as a Dapr Resiliency.")]
    public ResiliencySpec Resiliency { get; set; } = new();

    [Description("Settings of the Dapr sidecars injected into ingest and aggregator pods.")]
    public DaprSidecarSpec Dapr { get; set; } = new();

    [Description("Ingress NetworkPolicies for the ingest and aggregator pods.")]
    public NetworkPolicySpec NetworkPolicy { get; set; } = new();
}
