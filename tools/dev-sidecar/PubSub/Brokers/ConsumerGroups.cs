namespace LogDapr.DevSidecar.PubSub.Brokers;

/// <summary>
/// Which consumer group an app's subscription joins on a pubsub.* component, read from the component's metadata as
/// that app's daprd resolved it (templates such as <c>{appID}</c> already replaced). Subscriptions of one topic in
/// the same group share one cursor and compete for its messages; each group gets every message.
/// </summary>
public static class ConsumerGroups
{
    /// <summary>
    /// The group's name, or null when the component gives each subscription a consumer of its own.
    /// daprd first defaults <c>consumerID</c> to the app id when it is empty or blank (v1.16.0
    /// pkg/runtime/processor/pubsub/pubsub.go Init). Then, in components-contrib v1.16.0:
    /// Redis Streams use consumerID as the consumer group and the consumer name (pubsub/redis/redis.go
    /// Subscribe: XGroupCreateMkStream, XReadGroupResult); Kafka uses consumerGroup, falling back to consumerID
    /// (common/component/kafka/metadata.go getKafkaMetadata); JetStream creates a durable consumer named
    /// durableName that every subscriber binds to (queueGroupName only spreads one consumer's messages over its
    /// subscribers), and without durableName an ephemeral consumer per subscription (pubsub/jetstream/jetstream.go
    /// Subscribe). Other types: consumerID, the runtime's default meaning.
    /// </summary>
    public static string? GroupOf(string type, IReadOnlyDictionary<string, string> appMetadata, string appId)
    {
        var consumerId = appMetadata.GetValueOrDefault("consumerID")?.Trim() is { Length: > 0 } id ? id : appId;
        return type switch
        {
            "pubsub.kafka" => appMetadata.GetValueOrDefault("consumerGroup") is { Length: > 0 } group ? group : consumerId,
            "pubsub.jetstream" => appMetadata.GetValueOrDefault("durableName") is { Length: > 0 } durable ? durable : null,
            _ => consumerId,
        };
    }
}
