using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogDapr.Contracts.CloudEvents;
using LogDapr.Contracts.Events;
using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.PubSub.Journal;

namespace LogDapr.DevSidecar.PubSub;

/// <summary>
/// Builds the envelope daprd builds on publish (runtime NewCloudEvent + contrib NewCloudEventsEnvelope/FromCloudEvent
/// + ApplyMetadata): wraps data in a CloudEvent unless the data already is one (application/cloudevents+json,
/// passed through with topic/pubsubname/time filled in) or the publish asked for rawPayload=true. Metadata
/// <c>cloudevent.id/source/type/subject/traceparent/tracestate</c> override the envelope, <c>ttlInSeconds</c> sets
/// <c>expiration</c>. Keys are written in sorted order, as Go's json.Marshal of a map does.
/// </summary>
/// <remarks>
/// The attribute names are the pipeline's one list (<see cref="CloudEventAttributes"/>), but the envelope is built
/// as daprd builds it, not with the services' <see cref="CloudEventWriter"/>: daprd works on a Go map, so any field of a
/// passed-through CloudEvent survives and keys come out sorted, where our producer writes a fixed set in a fixed order.
/// </remarks>
public static class CloudEventBuilder
{
    public const string DefaultType = "com.dapr.event.sent";
    public const string BulkType = "com.dapr.event.sent.bulk";

    /// <summary>Source daprd writes into passed-through CloudEvents that lack one.</summary>
    public const string DefaultPassthroughSource = "Dapr";

    // Go's encoder leaves non-ASCII text as UTF-8; so does this one (the default would \u-escape it).
    private static readonly JsonSerializerOptions WriteOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static OutgoingMessage Build(string pubsub, string topic, ReadOnlyMemory<byte> data, string? dataContentType, IReadOnlyDictionary<string, string> metadata, string source, string? traceParent = null)
    {
        if (IsRawPayload(metadata))
        {
            return new OutgoingMessage(data.ToArray(), MessageFlags.RawPayload);
        }

        JsonObject envelope;
        if (ContentTypes.IsCloudEvent(dataContentType))
        {
            envelope = FromCloudEvent(data, topic, pubsub, traceParent);
        }
        else
        {
            envelope = NewEnvelope(data, dataContentType, topic, pubsub, metadata, source, traceParent);
        }

        ApplyTtl(envelope, metadata);
        return new OutgoingMessage(Serialize(envelope), MessageFlags.None);
    }

    public static bool IsRawPayload(IReadOnlyDictionary<string, string> metadata)
    {
        if (!TryGet(metadata, "rawPayload", out var raw) || string.IsNullOrEmpty(raw))
        {
            return false;
        }

        return ParseGoBool(raw) ?? throw DaprApiException.PubSubMetadata($"rawPayload value must be a valid boolean: actual is '{raw}'");
    }

    private static JsonObject FromCloudEvent(ReadOnlyMemory<byte> data, string topic, string pubsub, string? traceParent)
    {
        JsonObject ce;
        try
        {
            ce = JsonNode.Parse(data.Span) as JsonObject ?? throw DaprApiException.CloudEventCreation("the data is not a JSON object");
        }
        catch (JsonException ex)
        {
            throw DaprApiException.CloudEventCreation(ex.Message);
        }

        if (!ce.ContainsKey(CloudEventAttributes.Time))
        {
            ce[CloudEventAttributes.Time] = Now();
        }

        if (!ce.ContainsKey(CloudEventAttributes.TraceId) && traceParent is not null)
        {
            ce[CloudEventAttributes.TraceId] = traceParent;
            ce[CloudEventAttributes.TraceParent] = traceParent;
        }

        ce[CloudEventAttributes.Topic] = topic;
        ce[CloudEventAttributes.PubSubName] = pubsub;
        SetIfNull(ce, CloudEventAttributes.Source, DefaultPassthroughSource);
        SetIfNull(ce, CloudEventAttributes.Type, DefaultType);
        SetIfNull(ce, CloudEventAttributes.SpecVersion, CloudEventAttributes.SpecVersion1);
        return ce;
    }

    private static JsonObject NewEnvelope(ReadOnlyMemory<byte> data, string? dataContentType, string topic, string pubsub, IReadOnlyDictionary<string, string> metadata, string source, string? traceParent)
    {
        var id = Override(metadata, "id") ?? Guid.NewGuid().ToString();
        var ceSource = Override(metadata, "source") ?? (string.IsNullOrEmpty(source) ? DefaultPassthroughSource : source);
        var type = Override(metadata, "type") ?? DefaultType;
        var subject = Override(metadata, "subject");
        var trace = Override(metadata, "traceparent") ?? Override(metadata, "traceid") ?? traceParent;
        var traceState = Override(metadata, "tracestate");
        var contentType = string.IsNullOrEmpty(dataContentType) ? ContentTypes.TextPlain : dataContentType;

        var ce = new JsonObject
        {
            [CloudEventAttributes.Id] = id,
            [CloudEventAttributes.SpecVersion] = CloudEventAttributes.SpecVersion1,
            [CloudEventAttributes.DataContentType] = contentType,
            [CloudEventAttributes.Source] = ceSource,
            [CloudEventAttributes.Type] = type,
            [CloudEventAttributes.Topic] = topic,
            [CloudEventAttributes.PubSubName] = pubsub,
            [CloudEventAttributes.Time] = Now(),
        };
        if (trace is not null)
        {
            ce[CloudEventAttributes.TraceId] = trace;
            ce[CloudEventAttributes.TraceParent] = trace;
        }

        if (traceState is not null)
        {
            ce[CloudEventAttributes.TraceState] = traceState;
        }

        if (subject is not null)
        {
            ce[CloudEventAttributes.Subject] = subject;
        }

        if (ContentTypes.IsJson(contentType) || contentType.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                ce[CloudEventAttributes.Data] = data.Length == 0 ? null : JsonNode.Parse(data.Span);
            }
            catch (JsonException)
            {
                // daprd falls back to the text when JSON data does not parse.
                ce[CloudEventAttributes.Data] = Encoding.UTF8.GetString(data.Span);
            }
        }
        else if (ContentTypes.IsBinary(contentType))
        {
            ce[CloudEventAttributes.DataBase64] = Convert.ToBase64String(data.Span);
        }
        else
        {
            ce[CloudEventAttributes.Data] = Encoding.UTF8.GetString(data.Span);
        }

        return ce;
    }

    private static void ApplyTtl(JsonObject envelope, IReadOnlyDictionary<string, string> metadata)
    {
        if (!TryGet(metadata, "ttlInSeconds", out var text) || string.IsNullOrEmpty(text))
        {
            return;
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
        {
            throw DaprApiException.PubSubMetadata($"ttlInSeconds value must be a valid positive integer: actual is '{text}'");
        }

        envelope[CloudEventAttributes.Expiration] = DateTimeOffset.UtcNow.AddSeconds(seconds).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
    }

    public static byte[] Serialize(JsonObject envelope)
    {
        var sorted = new JsonObject();
        foreach (var key in envelope.Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList())
        {
            var value = envelope[key];
            envelope.Remove(key);
            sorted[key] = value;
        }

        return JsonSerializer.SerializeToUtf8Bytes(sorted, WriteOptions);
    }

    /// <summary>
    /// True when the CloudEvent carries an <c>expiration</c> in the past (daprd drops those on delivery). Like daprd
    /// (contrib pubsub/envelope.go HasExpired: time.Parse(time.RFC3339, ...)), an expiration that is not an RFC 3339
    /// timestamp never expires.
    /// </summary>
    public static bool HasExpired(JsonElement cloudEvent) =>
        cloudEvent.TryGetProperty(CloudEventAttributes.Expiration, out var expiration) && expiration.ValueKind == JsonValueKind.String
        && Rfc3339.TryParse(expiration.GetString()!, out var at)
        && at < DateTimeOffset.UtcNow;

    private static string Now() => DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static void SetIfNull(JsonObject ce, string key, string value)
    {
        if (ce[key] is null)
        {
            ce[key] = value;
        }
    }

    private static string? Override(IReadOnlyDictionary<string, string> metadata, string attribute) =>
        TryGet(metadata, "cloudevent." + attribute, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    // mapstructure.WeakDecode matches keys case-insensitively.
    private static bool TryGet(IReadOnlyDictionary<string, string> metadata, string key, out string? value)
    {
        if (metadata.TryGetValue(key, out value))
        {
            return true;
        }

        foreach (var (k, v) in metadata)
        {
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }

        value = null;
        return false;
    }

    // Go's strconv.ParseBool.
    private static bool? ParseGoBool(string text) => text switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => null,
    };
}
