namespace LogDapr.LocalStack.Pipeline;

/// <summary>
/// Which broker's delivery the development sidecar emulates for the logs pub/sub: the component set in
/// <c>components/</c> (Redis Streams) or a variant from <c>components/brokers/&lt;name&gt;/pubsub.yaml</c>.
/// </summary>
public enum LocalBroker
{
    /// <summary>components/pubsub.yaml, pubsub.redis (the default; the sidecar reads components/ unchanged).</summary>
    Redis,

    /// <summary>components/brokers/kafka/pubsub.yaml, pubsub.kafka (native bulk subscribe).</summary>
    Kafka,

    /// <summary>components/brokers/jetstream/pubsub.yaml, pubsub.jetstream (DefaultBulkSubscriber, parallel).</summary>
    JetStream,
}
