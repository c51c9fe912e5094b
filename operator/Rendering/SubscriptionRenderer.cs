using System.Text.Json.Nodes;
using LogDapr.Contracts.Pipeline;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// Declarative Dapr subscriptions (dapr.io/v2alpha1), scoped to the aggregator. The aggregator runs with
/// Aggregator:DeclarativeSubscriptions=true so it does not also subscribe programmatically.
/// </summary>
internal static class SubscriptionRenderer
{
    public static JsonObject Logs(LogPipeline pipeline, ResourceNames names) => Subscription(
        pipeline,
        names.LogsSubscription,
        names,
        new JsonObject
        {
            ["pubsubname"] = names.PubSubComponent,
            ["topic"] = pipeline.Spec.PubSub.Topic,
            ["routes"] = new JsonObject { ["default"] = PipelineDefaults.LogsRoute },
            // Where Dapr sends a message once the inbound retries of the Resiliency are exhausted.
            ["deadLetterTopic"] = pipeline.Spec.DeadLetter.Topic,
            ["bulkSubscribe"] = BulkSubscribe(pipeline.Spec.Aggregator.BulkSubscribe),
        });

    /// <summary>
    /// Kafka batches natively; on Redis and JetStream daprd emulates batches, which only fill because the
    /// component's concurrency is rendered to match (<see cref="BrokerConcurrency"/>).
    /// </summary>
    private static JsonObject BulkSubscribe(BulkSubscribeSpec bulk) => bulk.Enabled
        ? new JsonObject
        {
            ["enabled"] = true,
            ["maxMessagesCount"] = bulk.MaxMessagesCount,
            ["maxAwaitDurationMs"] = bulk.MaxAwaitDurationMs,
        }
        : new JsonObject { ["enabled"] = false };

    public static JsonObject DeadLetters(LogPipeline pipeline, ResourceNames names) => Subscription(
        pipeline,
        names.DeadLetterSubscription,
        names,
        new JsonObject
        {
            ["pubsubname"] = ComponentRenderer.SubscriptionPubSub(pipeline, names, pipeline.Spec.DeadLetter.Topic),
            ["topic"] = pipeline.Spec.DeadLetter.Topic,
            ["routes"] = new JsonObject { ["default"] = PipelineDefaults.DeadLetterRoute },
        });

    private static JsonObject Subscription(LogPipeline pipeline, string name, ResourceNames names, JsonObject spec) => new()
    {
        ["apiVersion"] = "dapr.io/v2alpha1",
        ["kind"] = "Subscription",
        ["metadata"] = ObjectMetadata.Build(pipeline, name, "subscription"),
        ["spec"] = spec,
        ["scopes"] = new JsonArray(names.AggregatorAppId),
    };
}
