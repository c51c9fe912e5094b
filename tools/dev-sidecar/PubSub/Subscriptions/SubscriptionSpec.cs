namespace LogDapr.DevSidecar.PubSub.Subscriptions;

/// <summary>A routing rule: deliver to <see cref="Path"/> when <see cref="Match"/> holds for the CloudEvent.</summary>
public sealed record RouteRule(string Match, string Path);

/// <summary>Dapr bulk subscribe settings; defaults are daprd's (100 messages, 1000 ms).</summary>
public sealed record BulkSettings(bool Enabled, int MaxMessagesCount = 100, int MaxAwaitDurationMs = 1000);

/// <summary>
/// What a subscription asks for, in Dapr's terms; the same shape whether it came from an app's
/// <c>/dapr/subscribe</c> answer or from a declarative Subscription resource.
/// </summary>
public sealed record SubscriptionSpec(
    string PubSubName,
    string Topic,
    string? DefaultRoute,
    IReadOnlyList<RouteRule> Rules,
    string? DeadLetterTopic,
    IReadOnlyDictionary<string, string> Metadata,
    BulkSettings Bulk)
{
    public bool RawPayload =>
        Metadata.TryGetValue("rawPayload", out var raw) && bool.TryParse(raw, out var isRaw) && isRaw;

    /// <summary>Value equality including the collections, so re-discovery can tell "unchanged" from "changed".</summary>
    public bool SameAs(SubscriptionSpec other) =>
        PubSubName == other.PubSubName
        && Topic == other.Topic
        && DefaultRoute == other.DefaultRoute
        && DeadLetterTopic == other.DeadLetterTopic
        && Bulk == other.Bulk
        && Rules.SequenceEqual(other.Rules)
        && Metadata.Count == other.Metadata.Count
        && Metadata.All(kv => other.Metadata.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
