using LogDapr.Configuration.Pipeline;
using LogDapr.Operator.DaprResources;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// Declarative Dapr subscriptions (dapr.io/v2alpha1), scoped to the aggregator or the store. The aggregator runs with
/// Aggregator:DeclarativeSubscriptions=true so it does not also subscribe programmatically.
/// </summary>
internal static class SubscriptionRenderer
{
    public static DaprSubscription Logs(LogPipeline pipeline, ResourceNames names) => Subscription(
        pipeline, names.LogsSubscription, names.AggregatorAppId, LogsSpec(pipeline, names));

    /// <summary>
    /// The store's subscription: the same topic, route, dead-letter topic and bulk settings as the aggregator's, scoped
    /// to the store, whose sidecar reads in its own consumer group. No dead-letter subscription: the aggregator records
    /// every dead letter, the store's included.
    /// </summary>
    public static DaprSubscription StoreLogs(LogPipeline pipeline, ResourceNames names) => Subscription(
        pipeline, names.StoreLogsSubscription, names.StoreAppId, LogsSpec(pipeline, names));

    /// <summary>
    /// The processor's subscription to the raw topic, with the aggregator's route and bulk settings, and no
    /// dead-letter topic: daprd forwards a message whose deliveries are exhausted there as it arrived, raw, and
    /// the rules promise that nothing unredacted is kept. The processor never DROPs (it records poison redacted
    /// itself), so only passing failures (RETRY: it could not publish) exhaust; without a dead-letter topic the
    /// broker keeps such a message and redelivers it once the processor recovers.
    /// </summary>
    public static DaprSubscription ProcessorLogs(LogPipeline pipeline, ResourceNames names) => Subscription(
        pipeline, names.ProcessorLogsSubscription, names.ProcessorAppId,
        LogsSpec(pipeline, names, pipeline.Spec.PubSub.Topic, deadLetterTopic: null));

    /// <summary>
    /// The router's subscription: the aggregator's topic, route, dead-letter topic and bulk settings, scoped to the
    /// router (its own consumer group). The dead-letter topic keeps a message the router could neither send nor
    /// dead-letter per route (Postgres down past the delivery retries) from being dropped: the aggregator records it.
    /// </summary>
    public static DaprSubscription RouterLogs(LogPipeline pipeline, ResourceNames names) => Subscription(
        pipeline, names.RouterLogsSubscription, names.RouterAppId, LogsSpec(pipeline, names));

    private static DaprSubscriptionSpec LogsSpec(LogPipeline pipeline, ResourceNames names) =>
        LogsSpec(pipeline, names, PipelineTopics.Consumed(pipeline.Spec), pipeline.Spec.DeadLetter.Topic);

    private static DaprSubscriptionSpec LogsSpec(LogPipeline pipeline, ResourceNames names, string topic, string? deadLetterTopic) => new()
    {
        Pubsubname = names.PubSubComponent,
        Topic = topic,
        Routes = new DaprSubscriptionRoutes { Default = PipelineDefaults.LogsRoute },
        // Where Dapr sends a message once the inbound retries of the Resiliency are exhausted.
        DeadLetterTopic = deadLetterTopic,
        BulkSubscribe = BulkSubscribe(pipeline.Spec.Aggregator.BulkSubscribe),
    };

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
        names.AggregatorAppId,
        new DaprSubscriptionSpec
        {
            Pubsubname = ComponentRenderer.SubscriptionPubSub(pipeline, names, pipeline.Spec.DeadLetter.Topic),
            Topic = pipeline.Spec.DeadLetter.Topic,
            Routes = new DaprSubscriptionRoutes { Default = PipelineDefaults.DeadLetterRoute },
        });

    /// <summary>
    /// Ingest's audit records, to the counter: one message at a time (a few per minute at most) and no dead-letter
    /// topic, since the counter itself drops what is not a record and retries while Postgres is down.
    /// </summary>
    public static DaprSubscription Audit(LogPipeline pipeline, ResourceNames names) => Subscription(
        pipeline,
        names.AuditSubscription,
        names.AggregatorAppId,
        new DaprSubscriptionSpec
        {
            Pubsubname = ComponentRenderer.SubscriptionPubSub(pipeline, names, PipelineTopics.Audit(pipeline.Spec)),
            Topic = PipelineTopics.Audit(pipeline.Spec),
            Routes = new DaprSubscriptionRoutes { Default = PipelineDefaults.AuditRoute },
        });

    private static DaprSubscription Subscription(LogPipeline pipeline, string name, string appId, DaprSubscriptionSpec spec) => new()
    {
        Metadata = ObjectMetadata.For(pipeline, name, "subscription"),
        Spec = spec,
        Scopes = [appId],
    };
}
