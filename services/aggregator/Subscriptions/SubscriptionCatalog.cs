using System.Text.Json.Serialization;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Pipeline;

namespace LogDapr.Aggregator.Subscriptions;

/// <summary>The programmatic subscriptions served at /dapr/subscribe, in Dapr's JSON shape. Pure.</summary>
public static class SubscriptionCatalog
{
    public static IReadOnlyList<DaprSubscription> Build(PipelineOptions pipeline, AggregatorOptions aggregator)
    {
        if (aggregator.DeclarativeSubscriptions)
        {
            return [];
        }

        var logs = new DaprSubscription(pipeline.PubSubName, pipeline.Topic, PipelineDefaults.LogsRoute, pipeline.DeadLetterTopic,
            new BulkSubscribeSettings(true, aggregator.BulkMaxMessages, aggregator.BulkMaxAwaitMilliseconds));

        // Only the counter records dead-letter arrivals: two roles recording one arrival would count it twice.
        return aggregator.Role != AggregatorRole.Counter
            ? [logs]
            : [logs, new DaprSubscription(pipeline.PubSubName, pipeline.DeadLetterTopic, PipelineDefaults.DeadLetterRoute, null, null)];
    }
}

public sealed record DaprSubscription(
    [property: JsonPropertyName("pubsubname")] string PubSubName,
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("route")] string Route,
    [property: JsonPropertyName("deadLetterTopic"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DeadLetterTopic,
    [property: JsonPropertyName("bulkSubscribe"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BulkSubscribeSettings? BulkSubscribe);

public sealed record BulkSubscribeSettings(
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("maxMessagesCount")] int MaxMessagesCount,
    [property: JsonPropertyName("maxAwaitDurationMs")] int MaxAwaitDurationMs);
