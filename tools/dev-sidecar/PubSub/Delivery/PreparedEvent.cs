using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogDapr.Contracts.CloudEvents;
using LogDapr.DevSidecar.PubSub.GoJson;
using LogDapr.DevSidecar.PubSub.Storage;
using LogDapr.DevSidecar.PubSub.Subscriptions;

namespace LogDapr.DevSidecar.PubSub.Delivery;

/// <summary>Why a stored message is not sent to the app (daprd's subscription handler, before any delivery attempt).</summary>
public enum PrepareFailure
{
    None,

    /// <summary>Not a CloudEvent Go can decode: an error for the component (dead-letter topic if set, else hand back).</summary>
    Undecodable,

    /// <summary>Past its expiration: dead-lettered best effort, acknowledged.</summary>
    Expired,

    /// <summary>No routing rule matches and no default route: dead-lettered best effort, acknowledged.</summary>
    NoRoute,
}

/// <summary>A message turned into what the app receives: the body (single) or entry event (bulk) and the route.</summary>
/// <param name="CloudEventId">The CloudEvent's <c>id</c> as text, for logs.</param>
public sealed record PreparedEvent(TopicMessage Message, byte[] Payload, ReadOnlyMemory<byte> Body, string? CloudEventId, string Path, string ContentType)
{
    /// <summary>
    /// Builds what daprd v1.16 sends (pkg/runtime/subscription/subscription.go for single deliveries,
    /// bulksubscription.go for bulk ones). Single: the stored bytes unchanged (rawPayload subscriptions: the bytes
    /// wrapped in a CloudEvent with data_base64). Bulk: the CloudEvent after json.Unmarshal into a map and
    /// json.Marshal back (see <see cref="GoJsonReencoder"/>); rawPayload: the bytes as a base64 JSON string with
    /// content type application/octet-stream. Either way the CloudEvent must survive Go's decode.
    /// </summary>
    public static PreparedEvent? Prepare(TopicMessage message, byte[] payload, SubscriptionSpec spec, IReadOnlyList<(RouteMatcher? Matcher, string Path)> rules, bool bulk, out PrepareFailure failure, out string? reason)
    {
        failure = PrepareFailure.None;
        reason = null;
        // The CloudEvent is read from pooled buffers, not built as a node tree: a message of 500 events is ~100 KB,
        // and its expiration, id and the routing rules' attributes are all that is read of it here.
        JsonDocument? parsed = null;
        try
        {
            JsonElement cloudEvent;
            ReadOnlyMemory<byte> body;
            var contentType = ContentTypes.CloudEvent;
            if (spec.RawPayload)
            {
                var wrapper = new JsonObject
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
                if (bulk)
                {
                    var buffer = new ArrayBufferWriter<byte>();
                    GoJsonReencoder.WriteString(Convert.ToBase64String(payload), buffer);
                    body = buffer.WrittenSpan.ToArray();
                    contentType = ContentTypes.OctetStream;
                }
                else
                {
                    body = CloudEventBuilder.Serialize(wrapper.DeepClone().AsObject());
                }

                cloudEvent = JsonSerializer.SerializeToElement(wrapper);
            }
            else
            {
                try
                {
                    parsed = JsonDocument.Parse(payload);
                    cloudEvent = parsed.RootElement.ValueKind == JsonValueKind.Object ? parsed.RootElement : throw new JsonException("not a JSON object");
                }
                catch (JsonException ex)
                {
                    failure = PrepareFailure.Undecodable;
                    reason = $"message {message.Seq} is not a CloudEvent ({ex.Message}); published with rawPayload=true to a subscription without rawPayload?";
                    return null;
                }

                // From the document just parsed: the message is read once, as daprd's json.Unmarshal reads it once.
                if (!GoJsonReencoder.TryReencode(cloudEvent, payload.Length, out var reencoded, out var error))
                {
                    failure = PrepareFailure.Undecodable;
                    reason = $"message {message.Seq}: error deserializing cloud event ({error})";
                    return null;
                }

                body = bulk ? reencoded : payload;
            }

            if (CloudEventBuilder.HasExpired(cloudEvent))
            {
                failure = PrepareFailure.Expired;
                reason = $"message {message.Seq} expired at {cloudEvent.GetProperty(CloudEventAttributes.Expiration).GetString()}";
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
                failure = PrepareFailure.NoRoute;
                reason = $"message {message.Seq} matches no routing rule and the subscription has no default route";
                return null;
            }

            var id = cloudEvent.TryGetProperty("id", out var idValue) ? (idValue.ValueKind == JsonValueKind.String ? idValue.GetString() : idValue.GetRawText()) : null;
            return new PreparedEvent(message, payload, body, id, path.TrimStart('/'), contentType);
        }
        finally
        {
            parsed?.Dispose();
        }
    }
}
