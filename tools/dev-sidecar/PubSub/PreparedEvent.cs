using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogDapr.DevSidecar.PubSub;

/// <summary>A message turned into what the app receives: the CloudEvent JSON body and the route it goes to.</summary>
public sealed record PreparedEvent(TopicMessage Message, byte[] Body, JsonObject CloudEvent, string Path)
{
    public string EntryId => Message.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Builds the delivery body the way daprd does on the subscriber side: rawPayload subscriptions get the bytes
    /// wrapped in a CloudEvent with data_base64; otherwise the stored bytes must be a CloudEvent.
    /// Returns null with a reason when the message cannot be delivered (expired, unparseable, no matching route).
    /// </summary>
    public static PreparedEvent? Prepare(TopicMessage message, byte[] payload, SubscriptionSpec spec, IReadOnlyList<(RouteMatcher? Matcher, string Path)> rules, out string? reason)
    {
        reason = null;
        JsonObject cloudEvent;
        byte[] body = payload;
        if (spec.RawPayload)
        {
            cloudEvent = new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString(),
                ["specversion"] = "1.0",
                ["datacontenttype"] = ContentTypes.OctetStream,
                ["source"] = CloudEventBuilder.DefaultPassthroughSource,
                ["type"] = CloudEventBuilder.DefaultType,
                ["topic"] = spec.Topic,
                ["pubsubname"] = spec.PubSubName,
                ["data_base64"] = Convert.ToBase64String(payload),
            };
            body = CloudEventBuilder.Serialize(cloudEvent);
        }
        else
        {
            try
            {
                cloudEvent = JsonNode.Parse(payload) as JsonObject ?? throw new JsonException("not a JSON object");
            }
            catch (JsonException ex)
            {
                reason = $"message {message.Seq} is not a CloudEvent ({ex.Message}); published with rawPayload=true to a subscription without rawPayload?";
                return null;
            }
        }

        if (CloudEventBuilder.HasExpired(cloudEvent))
        {
            reason = $"message {message.Seq} expired at {cloudEvent["expiration"]}";
            return null;
        }

        string? path = null;
        foreach (var (matcher, rulePath) in rules)
        {
            if (matcher is not null && matcher.Matches(cloudEvent))
            {
                path = rulePath;
                break;
            }
        }

        path ??= spec.DefaultRoute;
        if (path is null)
        {
            reason = $"message {message.Seq} matches no routing rule and the subscription has no default route";
            return null;
        }

        return new PreparedEvent(message, body, cloudEvent, path.TrimStart('/'));
    }
}
