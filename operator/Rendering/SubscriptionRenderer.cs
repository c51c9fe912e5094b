using LogDapr.Configuration.Pipeline;
using LogDapr.Operator.DaprResources;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// Declarative Dapr subscriptions (dapr.io/v2alpha1), scoped to the aggregator. The aggregator runs with
/// Aggregator:DeclarativeSubscriptions=true so it does not also subscribe programmatically.
/// </summary>
internal static class SubscriptionRenderer
{
    public static DaprSubscription Logs(LogPipeline pipeline, ResourceNames names) => Subscription(
        pipeline,
        names.LogsSubscription,
        names,
        new DaprSubscriptionSpec
        {
            Pubsubname = names.PubSubComponent,
            Topic = pipeline.Spec.PubSub.Topic,
            Routes = new DaprSubscriptionRoutes { Default = PipelineDefaults.LogsRoute },
            // Where Dapr sends a message once the inbound retries of the Resiliency are exhausted.
            DeadLetterTopic = pipeline.Spec.DeadLetter.Topic,
            BulkSubscribe = BulkSubscribe(pipeline.Spec.Aggregator.BulkSubscribe),
        });

    /// <summary>
    /// Kafka batches natively; on Redis and JetStream daprd emulates batches, which only fill because the
    /// component's concurrency is rendered to match (<see cref="BrokerConcurrency"/>).
    /// </summary>
    private static DaprBulkSubscribe BulkSubscribe(BulkSubscribeSpec bulk) => bulk.Enabled
        ? new DaprBulkSubscribe { Enabled = true, MaxMessagesCount = bulk.MaxMessagesCount, MaxAwaitDurationMs = bulk.MaxAwaitDurationMs }
        : new DaprBulkSubscribe { Enabled = false };

    public static DaprSubscription DeadLetters(LogPipeline pipeline, ResourceNames names) => Subscription(
        pipeline,
        names.DeadLetterSubscription,
        names,
        new DaprSubscriptionSpec
        {
            Pubsubname = ComponentRenderer.SubscriptionPubSub(pipeline, names, pipeline.Spec.DeadLetter.Topic),
            Topic = pipeline.Spec.DeadLetter.Topic,
            Routes = new DaprSubscriptionRoutes { Default = PipelineDefaults.DeadLetterRoute },
        });

    private static DaprSubscription Subscription(LogPipeline pipeline, string name, ResourceNames names, DaprSubscriptionSpec spec) => new()
    {
        Metadata = ObjectMetadata.For(pipeline, name, "subscription"),
        Spec = spec,
        Scopes = [names.AggregatorAppId],
    };
}
