namespace LogDapr.Operator.Rendering;

/// <summary>
/// Who may do what on the pipeline's pub/sub component, in daprd's own terms (dapr/dapr v1.16.0 pkg/scopes/scopes.go,
/// pkg/runtime/pubsub/adapter.go IsOperationAllowed). allowedTopics limits the component to the two topics;
/// protectedTopics makes both need an explicit grant; publishingScopes and subscriptionScopes are the grants
/// ("app=topic,topic;app=topic"). Publishers other than ingest may only publish to the logs topic and nobody but the
/// aggregator may subscribe: the consumer group is component metadata, so any other subscriber would join the
/// aggregator's group and take its messages.
/// </summary>
internal static class TopicScopes
{
    public static void Add(DaprMetadata metadata, ResourceNames names, string topic, string deadLetterTopic, IReadOnlyList<string> publishers)
    {
        var both = $"{topic},{deadLetterTopic}";
        var publishing = new List<string>
        {
            $"{names.IngestAppId}={topic}",
            // The aggregator's sidecar publishes dead letters, and the aggregator replays them onto the logs topic.
            $"{names.AggregatorAppId}={both}",
        };
        publishing.AddRange(publishers.Select(p => $"{p}={topic}"));

        metadata.Value("allowedTopics", both)
            .Value("protectedTopics", both)
            .Value("publishingScopes", string.Join(';', publishing))
            .Value("subscriptionScopes", $"{names.AggregatorAppId}={both}");
    }
}
