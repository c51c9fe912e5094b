namespace LogDapr.Configuration.Aggregator;

/// <summary>
/// What one aggregator process does. The same image runs in every role, each with its own Dapr app id and therefore its
/// own consumer group on the logs topic: counting never waits for storage, and each scales on its own backlog.
/// </summary>
public enum AggregatorRole
{
    /// <summary>Counts events into time buckets, records dead letters, serves /v1/metrics and /v1/dead-letters.</summary>
    Counter,

    /// <summary>Stores every event (log_events), keeps its retention and archive, serves /v1/logs.</summary>
    Store,

    /// <summary>
    /// Applies the pipeline's processing rules (mapping, enrichment, transforms, redaction) to every message of the raw
    /// topic and publishes the result to the processed topic, which the counter and the store then read.
    /// </summary>
    Processor,

    /// <summary>
    /// Forwards the events of the processed topic that match the pipeline's routes to Dapr output bindings (webhooks,
    /// Kafka, object storage), at least once with an idempotency key; a failing route is dead-lettered, never blocking.
    /// </summary>
    Router,
}
