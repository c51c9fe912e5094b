namespace LogDapr.Operator.Rendering;

/// <summary>
/// Who may do what on the pipeline's pub/sub component, in daprd's own terms (dapr/dapr v1.16.0 pkg/scopes/scopes.go,
/// pkg/runtime/pubsub/adapter.go IsOperationAllowed). allowedTopics limits the component to the pipeline's topics;
/// protectedTopics makes each need an explicit grant; publishingScopes and subscriptionScopes are the grants
/// ("app=topic,topic;app=topic"). Publishers other than ingest may only publish to the logs topic and nobody but the
/// aggregator and the store may subscribe: the consumer group is component metadata ({appID} or a fixed name), so
/// another subscriber could join a group and take its messages.
/// </summary>
internal static class TopicScopes
{
    /// <param name="store">The store's app id while storage is enabled, else null.</param>
    /// <param name="processed">The processed topic while processing is on, else null.</param>
    /// <param name="router">The router's app id while spec.routes is set, else null.</param>
    /// <param name="auditTopic">Ingest's audit records: only ingest publishes there, only the aggregator (counter) reads.</param>
    public static void Add(DaprMetadata metadata, ResourceNames names, string topic, string deadLetterTopic, string auditTopic, IReadOnlyList<string> publishers, string? store, string? processed = null, string? router = null)
    {
        // The topic the aggregator and the store read: the processor's output while processing is on.
        var consumed = processed ?? topic;
        var both = $"{consumed},{deadLetterTopic}";
        var publishing = new List<string>
        {
            $"{names.IngestAppId}={topic},{auditTopic}",
            // The aggregator's sidecar publishes dead letters, and the aggregator replays them: onto the topic it reads,
            // or with processing on onto the raw topic (Pipeline:ReplayTopic), so a replay is processed again.
            $"{names.AggregatorAppId}={(processed is null ? both : $"{topic},{deadLetterTopic}")}",
        };
        var subscribing = new List<string> { $"{names.AggregatorAppId}={both},{auditTopic}" };
        if (processed is not null)
        {
            // The processor reads the raw topic in its own consumer group ({appID}), publishes each processed event to
            // the processed topic and the redacted copy of a poison message to the dead-letter topic.
            publishing.Add($"{names.ProcessorAppId}={processed},{deadLetterTopic}");
            subscribing.Add($"{names.ProcessorAppId}={topic}");
        }
        if (store is not null)
        {
            // The store reads the logs topic in its own consumer group ({appID}); its sidecar publishes a message to
            // the dead-letter topic when the store's deliveries of it are exhausted, as the aggregator's does, and that
            // publish is scope-checked too (dapr/dapr v1.16.0 pkg/runtime/subscription/subscription.go
            // sendToDeadLetter, pkg/runtime/pubsub/publisher/publisher.go Publish: IsOperationAllowed).
            publishing.Add($"{store}={deadLetterTopic}");
            subscribing.Add($"{store}={consumed}");
        }
        if (router is not null)
        {
            // The router reads what the aggregator reads, in its own consumer group; like the store's, its sidecar
            // publishes a message whose deliveries are exhausted to the dead-letter topic.
            publishing.Add($"{router}={deadLetterTopic}");
            subscribing.Add($"{router}={consumed}");
        }
        publishing.AddRange(publishers.Select(p => $"{p}={topic}"));

        var topics = (processed is null ? both : $"{topic},{processed},{deadLetterTopic}") + "," + auditTopic;
        metadata.Value("allowedTopics", topics)
            .Value("protectedTopics", topics)
            .Value("publishingScopes", string.Join(';', publishing))
            .Value("subscriptionScopes", string.Join(';', subscribing));
    }
}
