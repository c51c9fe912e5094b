using System.Text.Json.Nodes;
using LogDapr.DevSidecar.PubSub.Apps;
using LogDapr.DevSidecar.PubSub.Storage;

namespace LogDapr.DevSidecar.Http;

/// <summary>
/// Development-only views for tests and runners: GET /v1.0-dev/topics (drain detection, delivery counters) and
/// GET /v1.0-dev/apps (discovery and health). Not part of Dapr's API.
/// </summary>
public static class Diagnostics
{
    public static JsonObject Topics(BrokerSnapshot snapshot) => new()
    {
        ["topics"] = new JsonArray(snapshot.Topics.Select(t => (JsonNode)new JsonObject
        {
            ["pubsubname"] = t.PubSub,
            ["topic"] = t.Topic,
            ["published"] = t.Published,
            ["delivered"] = t.Delivered,
            ["pending"] = t.Pending,
            ["publishing"] = t.Publishing,
            ["deadLettered"] = t.DeadLettered,
            ["dropped"] = t.Dropped,
            ["trimmed"] = t.Trimmed,
            ["subscriptions"] = new JsonArray(t.Subscriptions.Select(s => (JsonNode)new JsonObject
            {
                ["id"] = s.Id,
                ["appId"] = s.AppId,
                ["consumerGroup"] = s.ConsumerGroup,
                ["type"] = s.Type,
                ["route"] = s.Spec.DefaultRoute,
                ["deadLetterTopic"] = s.Spec.DeadLetterTopic,
                ["bulk"] = s.Spec.Bulk.Enabled,
                ["pending"] = s.Pending,
                ["inFlight"] = s.InFlight,
                ["attempts"] = s.Attempts,
                ["succeeded"] = s.Succeeded,
                ["retried"] = s.Retried,
                ["dropped"] = s.Dropped,
                ["deadLettered"] = s.DeadLettered,
                ["appUnavailable"] = s.AppUnavailable,
                ["redelivered"] = s.Redelivered,
                ["handedBack"] = s.HandedBack,
                ["deadLetterFailures"] = s.DeadLetterFailures,
                ["lastError"] = s.LastError,
            }).ToArray()),
        }).ToArray()),
        ["journal"] = new JsonObject
        {
            ["segments"] = snapshot.JournalSegments,
            ["bytes"] = snapshot.JournalBytes,
            ["cachedPayloadBytes"] = snapshot.CachedPayloadBytes,
        },
    };

    public static JsonObject Apps(IEnumerable<AppStatus> apps) => new()
    {
        ["apps"] = new JsonArray(apps.Select(a => (JsonNode)new JsonObject
        {
            ["appId"] = a.AppId,
            ["baseUrl"] = a.BaseUrl,
            ["state"] = a.State,
            ["discoveries"] = a.Discoveries,
            ["lastProblem"] = a.LastProblem,
        }).ToArray()),
    };
}
