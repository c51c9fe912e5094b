using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// Which topic each role reads. Publishers (ingest, publisherAppIds) always publish to spec.pubsub.topic; with
/// processing on, the processor reads it and publishes to the processed topic, which the aggregator and the store
/// read instead.
/// </summary>
public static class PipelineTopics
{
    public const string ProcessedSuffix = "-processed";
    public const string AuditSuffix = "-audit";

    /// <summary>The topic the processor publishes processed events to.</summary>
    public static string Processed(LogPipelineSpec spec) => spec.PubSub.Topic + ProcessedSuffix;

    /// <summary>The topic ingest sends its audit records (API key failures) to, for the counter to write into audit_log.</summary>
    public static string Audit(LogPipelineSpec spec) => spec.PubSub.Topic + AuditSuffix;

    /// <summary>The topic the aggregator (counter) and the store read: processed events when processing is on.</summary>
    public static string Consumed(LogPipelineSpec spec) => ProcessingSpec.IsOn(spec) ? Processed(spec) : spec.PubSub.Topic;
}
