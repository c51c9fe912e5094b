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

        // The processor has no dead-letter topic: daprd would forward the raw, unredacted message there once its
        // deliveries are exhausted. It never DROPs (it records poison redacted itself), so only passing failures
        // (RETRY) exhaust; without a dead-letter topic the broker keeps the message and redelivers it.
        var deadLetterTopic = aggregator.Role == AggregatorRole.Processor ? null : pipeline.DeadLetterTopic;
        var logs = new DaprSubscription(pipeline.PubSubName, pipeline.Topic, PipelineDefaults.LogsRoute, deadLetterTopic,
            new BulkSubscribeSettings(true, aggregator.BulkMaxMessages, aggregator.BulkMaxAwaitMilliseconds));

        // Only the counter records dead-letter arrivals (two roles recording one arrival would count it twice) and
        // writes the audit records ingest sends.
        return aggregator.Role != AggregatorRole.Counter
            ? [logs]
            :
            [
                logs,
                new DaprSubscription(pipeline.PubSubName, pipeline.DeadLetterTopic, PipelineDefaults.DeadLetterRoute, null, null),
                new DaprSubscription(pipeline.PubSubName, pipeline.AuditTopic, PipelineDefaults.AuditRoute, null, null),
            ];
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
