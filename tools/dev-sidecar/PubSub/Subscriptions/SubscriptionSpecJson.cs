using System.Text.Json.Nodes;

namespace LogDapr.DevSidecar.PubSub.Subscriptions;

/// <summary>Writes a spec in Dapr's subscription JSON shape (journal, metadata API); read back with <see cref="SubscriptionSpecParser"/>.</summary>
public static class SubscriptionSpecJson
{
    public static JsonObject ToJson(SubscriptionSpec spec)
    {
        var routes = new JsonObject
        {
            ["rules"] = new JsonArray(spec.Rules.Select(r => (JsonNode)new JsonObject { ["match"] = r.Match, ["path"] = r.Path }).ToArray()),
        };
        if (spec.DefaultRoute is not null)
        {
            routes["default"] = spec.DefaultRoute;
        }

        var metadata = new JsonObject();
        foreach (var (k, v) in spec.Metadata)
        {
            metadata[k] = v;
        }

        var json = new JsonObject
        {
            ["pubsubname"] = spec.PubSubName,
            ["topic"] = spec.Topic,
            ["routes"] = routes,
            ["metadata"] = metadata,
            ["bulkSubscribe"] = new JsonObject
            {
                ["enabled"] = spec.Bulk.Enabled,
                ["maxMessagesCount"] = spec.Bulk.MaxMessagesCount,
                ["maxAwaitDurationMs"] = spec.Bulk.MaxAwaitDurationMs,
            },
        };
        if (spec.DeadLetterTopic is not null)
        {
            json["deadLetterTopic"] = spec.DeadLetterTopic;
        }

        return json;
    }

    public static string Serialize(SubscriptionSpec spec) => ToJson(spec).ToJsonString();

    public static SubscriptionSpec? Deserialize(string json, out string? error) =>
        SubscriptionSpecParser.Parse(JsonNode.Parse(json), out error);
}
