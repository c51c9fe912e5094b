using System.Text.Json.Nodes;
using LogDapr.DevSidecar.Go;

namespace LogDapr.DevSidecar.PubSub.Subscriptions;

/// <summary>
/// Parses Dapr's subscription JSON (the /dapr/subscribe items and the spec of Subscription resources):
/// v1 <c>route</c> or v2 <c>routes{rules,default}</c>, <c>deadLetterTopic</c>, <c>metadata</c>, <c>bulkSubscribe</c>.
/// </summary>
public static class SubscriptionSpecParser
{
    public static SubscriptionSpec? Parse(JsonNode? node, out string? error)
    {
        error = null;
        if (node is not JsonObject)
        {
            error = "subscription is not a JSON object";
            return null;
        }

        var pubsub = node.GetString("pubsubname");
        var topic = node.GetString("topic");
        if (string.IsNullOrEmpty(pubsub) || string.IsNullOrEmpty(topic))
        {
            error = "pubsubname and topic are required";
            return null;
        }

        var rules = new List<RouteRule>();
        string? defaultRoute = null;
        var routes = node.Get("routes");
        if (routes is JsonObject)
        {
            defaultRoute = routes.GetString("default");
            foreach (var rule in routes.GetArray("rules"))
            {
                var path = rule.GetString("path");
                if (string.IsNullOrEmpty(path))
                {
                    error = "a routing rule has no path";
                    return null;
                }

                rules.Add(new RouteRule(rule.GetString("match") ?? "", path));
            }
        }

        // v1 'route' is the default route; daprd lets routes.default win when both are present.
        defaultRoute ??= node.GetString("route");
        if (string.IsNullOrEmpty(defaultRoute) && rules.Count == 0)
        {
            error = $"subscription to {pubsub}/{topic} has neither route nor routes";
            return null;
        }

        var bulkNode = node.Get("bulkSubscribe");
        var bulk = new BulkSettings(
            bulkNode.GetBool("enabled") ?? false,
            Math.Max(1, bulkNode.GetInt("maxMessagesCount") is > 0 and var count ? count : 100),
            bulkNode.GetInt("maxAwaitDurationMs") is >= 0 and var wait ? wait : 1000);

        var deadLetter = node.GetString("deadLetterTopic");
        return new SubscriptionSpec(
            pubsub,
            topic,
            string.IsNullOrEmpty(defaultRoute) ? null : defaultRoute,
            rules,
            string.IsNullOrEmpty(deadLetter) ? null : deadLetter,
            node.GetStringMap("metadata"),
            bulk);
    }
}
