using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// Broker settings that let daprd's bulk subscribe keep up. Only pubsub.kafka bulk-subscribes natively
/// (components-contrib v1.16.0 pubsub/kafka/kafka.go BulkSubscribe). For Redis and JetStream daprd falls back to
/// its DefaultBulkSubscriber (dapr/dapr v1.16.0 pkg/runtime/pubsub/default_bulksub.go): every message the component
/// hands to daprd blocks until the batch it joined is flushed, and a batch is flushed when it holds
/// maxMessagesCount messages or on the maxAwaitDurationMs tick. So a batch can only fill if the component hands over
/// at least maxMessagesCount messages at once; otherwise every delivery waits for the tick.
/// </summary>
internal static class BrokerConcurrency
{
    /// <summary>pubsub.redis's default concurrency (components-contrib v1.16.0 pubsub/redis/metadata.yaml).</summary>
    public const int RedisDefaultConcurrency = 10;

    /// <summary>pubsub.redis's default queueDepth: the XREADGROUP COUNT and the size of the workers' queue.</summary>
    public const int RedisDefaultQueueDepth = 100;

    /// <summary>
    /// pubsub.redis runs `concurrency` workers, each handling one message at a time (pubsub/redis/redis.go worker),
    /// so an emulated batch holds at most that many. Defaults to the batch size while bulk subscribe is on.
    /// </summary>
    public static int RedisConcurrency(LogPipelineSpec spec, RedisPubSubSpec redis)
    {
        var bulk = spec.Aggregator.BulkSubscribe;
        if (redis.Concurrency is { } concurrency)
        {
            if (bulk.Enabled && concurrency < bulk.MaxMessagesCount)
            {
                throw new InvalidPipelineException(
                    $"pubsub.redis.concurrency ({concurrency}) must be at least aggregator.bulkSubscribe.maxMessagesCount ({bulk.MaxMessagesCount}): daprd emulates bulk subscribe on Redis and a batch holds at most concurrency messages");
            }
            return concurrency;
        }
        return bulk.Enabled ? bulk.MaxMessagesCount : RedisDefaultConcurrency;
    }

    /// <summary>Enough read ahead to keep every worker busy, never below Redis' own default.</summary>
    public static int RedisQueueDepth(int concurrency) => Math.Max(RedisDefaultQueueDepth, concurrency);

    /// <summary>
    /// pubsub.jetstream handles one message at a time unless concurrencyMode is parallel
    /// (pubsub/jetstream/jetstream.go Subscribe); in parallel the server's maxAckPending, shared by every replica of
    /// the consumer, bounds what is in flight. Each replica must be able to hold a full batch.
    /// </summary>
    public static void CheckJetStream(LogPipelineSpec spec, JetStreamPubSubSpec jetstream)
    {
        var bulk = spec.Aggregator.BulkSubscribe;
        var needed = (long)bulk.MaxMessagesCount * spec.Aggregator.MostReplicas();
        if (bulk.Enabled && jetstream.MaxAckPending < needed)
        {
            throw new InvalidPipelineException(
                $"pubsub.jetstream.maxAckPending ({jetstream.MaxAckPending}) must be at least aggregator.bulkSubscribe.maxMessagesCount times aggregator.replicas, or aggregator.autoscaling.maxReplicas while autoscaling ({needed}): daprd emulates bulk subscribe on JetStream and a replica's batch holds at most its share of the unacknowledged messages");
        }
        // The store's durable consumer is made from the same component metadata, so the same bound holds for it.
        var neededByStore = (long)bulk.MaxMessagesCount * spec.Storage.MostReplicas();
        if (bulk.Enabled && spec.Storage.Enabled && jetstream.MaxAckPending < neededByStore)
        {
            throw new InvalidPipelineException(
                $"pubsub.jetstream.maxAckPending ({jetstream.MaxAckPending}) must be at least aggregator.bulkSubscribe.maxMessagesCount times storage.replicas, or storage.autoscaling.maxReplicas while autoscaling ({neededByStore}): the store's durable consumer has the same maxAckPending and its replicas the same bulk settings");
        }
        // And for the processor's (its subscription has the aggregator's bulk settings too).
        var neededByProcessor = (long)bulk.MaxMessagesCount * (spec.Processing?.MostReplicas() ?? 0);
        if (bulk.Enabled && ProcessingSpec.IsOn(spec) && jetstream.MaxAckPending < neededByProcessor)
        {
            throw new InvalidPipelineException(
                $"pubsub.jetstream.maxAckPending ({jetstream.MaxAckPending}) must be at least aggregator.bulkSubscribe.maxMessagesCount times processing.replicas, or processing.autoscaling.maxReplicas while autoscaling ({neededByProcessor}): the processor's durable consumer has the same maxAckPending and its replicas the same bulk settings");
        }
        // And for the router's.
        var neededByRouter = (long)bulk.MaxMessagesCount * (spec.Routes?.Replicas ?? 0);
        if (bulk.Enabled && spec.Routes is not null && jetstream.MaxAckPending < neededByRouter)
        {
            throw new InvalidPipelineException(
                $"pubsub.jetstream.maxAckPending ({jetstream.MaxAckPending}) must be at least aggregator.bulkSubscribe.maxMessagesCount times routes.replicas ({neededByRouter}): the router's durable consumer has the same maxAckPending and its replicas the same bulk settings");
        }
    }
}
