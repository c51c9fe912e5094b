using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LogDapr.Aggregator.Database;
using LogDapr.Contracts.CloudEvents;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Decoding;

/// <summary>
/// Turns what Dapr POSTs to the app (one CloudEvent, or a bulk envelope of entries) into <see cref="DecodedMessage"/>s.
/// Pure and total: nothing a producer can publish makes it throw; anything it cannot count becomes a poison message
/// with a reason a human can act on.
/// </summary>
/// <param name="counter">
/// Given (the counter role), valid messages carry only what their events are counted by
/// (<see cref="DecodedMessage.Counted"/>), not <see cref="LogEvent"/>s: the counting reader validates every event as
/// <paramref name="reader"/> does, so the same messages are poison, with the same reasons.
/// </param>
public sealed class DeliveryDecoder(LogEventReader reader, LogEventCountingReader? counter = null)
{
    private const int MaxReasonErrors = 5;
    private const int MaxDepth = 64;

    /// <summary>
    /// Decodes a delivery: a bulk envelope (<c>{"entries":[{"entryId","event","contentType"}],...}</c>) or a single
    /// CloudEvent. Returns null only for a bulk envelope too broken to answer per entry.
    /// </summary>
    /// <param name="keepRawEvents">
    /// Keep every message's text in <see cref="DecodedMessage.RawEvent"/> (the dead-letter route stores it). Without
    /// it only poison messages carry their text: copying every valid message would double the memory of a delivery.
    /// </param>
    public DecodedDelivery? Decode(ReadOnlyMemory<byte> body, DateTimeOffset now, bool keepRawEvents = false)
        => Decode(body, now, keepRawEvents, entryByEntry: true);

    /// <param name="entryByEntry">
    /// Off: the whole delivery is one <see cref="JsonDocument"/>. On: a bulk envelope is scanned and each entry parsed
    /// on its own (<see cref="BulkEnvelopeScan"/>). The messages are the same either way (DeliveryDecoderPropertyTests).
    /// </param>
    internal DecodedDelivery? Decode(ReadOnlyMemory<byte> body, DateTimeOffset now, bool keepRawEvents, bool entryByEntry)
    {
        if (entryByEntry && BulkEnvelopeScan.TryScan(body.Span, MaxDepth) is { } envelope)
        {
            return envelope.Entries is { } ranges
                ? new DecodedDelivery(true, DecodeEntries(body, envelope.Topic, ranges, now, keepRawEvents))
                : null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            return new DecodedDelivery(false, [Poison("", Encoding.UTF8.GetString(body.Span), null, now, $"message is not JSON: {ex.Message}")]);
        }

        using (document)
        {
            var root = document.RootElement;
            var isBulk = root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("entries", out var entries)
                && !root.TryGetProperty("specversion", out _);
            if (!isBulk)
            {
                return new DecodedDelivery(false, [DecodeCloudEvent("", root, null, now, keepRawEvents, body)]);
            }

            entries = root.GetProperty("entries");
            return entries.ValueKind == JsonValueKind.Array
                ? new DecodedDelivery(true, DecodeEntries(root, entries, now, keepRawEvents, body))
                : null;
        }
    }

    private List<DecodedMessage> DecodeEntries(JsonElement root, JsonElement entries, DateTimeOffset now, bool keepRawEvents, ReadOnlyMemory<byte> body)
    {
        var topic = CloudEventReader.GetString(root, CloudEventAttributes.Topic);
        var messages = new List<DecodedMessage>(entries.GetArrayLength());
        foreach (var entry in entries.EnumerateArray())
        {
            if (DecodeEntry(entry, topic, now, keepRawEvents, body) is { } message)
            {
                messages.Add(message);
            }
        }

        return messages;
    }

    /// <summary><see cref="DecodeEntries(JsonElement, JsonElement, DateTimeOffset, bool, ReadOnlyMemory{byte})"/> from a scan: one small document per entry.</summary>
    private List<DecodedMessage> DecodeEntries(ReadOnlyMemory<byte> body, (int Offset, int Length)? topicRange, List<BulkEnvelopeScan.Entry> entries, DateTimeOffset now, bool keepRawEvents)
    {
        string? topic = null;
        if (topicRange is { } range)
        {
            using var topicDocument = JsonDocument.Parse(body.Slice(range.Offset, range.Length));
            topic = CloudEventReader.StringValue(topicDocument.RootElement);
        }

        var messages = new List<DecodedMessage>(entries.Count);
        foreach (var (offset, length, scanned) in entries)
        {
            if (scanned is not null)
            {
                messages.Add(DecodeScanned(scanned, topic, now, keepRawEvents, body));
                continue;
            }

            // Parsed over the body's memory, not a copy: a counted message keeps its slice of the body (Delivered).
            using var entry = JsonDocument.Parse(body.Slice(offset, length), new JsonDocumentOptions { MaxDepth = MaxDepth });
            if (DecodeEntry(entry.RootElement, topic, now, keepRawEvents, body) is { } message)
            {
                messages.Add(message);
            }
        }

        return messages;
    }

    private DecodedMessage? DecodeEntry(JsonElement entry, string? topic, DateTimeOffset now, bool keepRawEvents, ReadOnlyMemory<byte> body)
    {
        var entryId = entry.ValueKind == JsonValueKind.Object ? CloudEventReader.GetString(entry, "entryId") : null;
        if (entryId is null)
        {
            // Without an entryId there is no way to answer for the entry; Dapr treats unanswered entries as RETRY.
            return null;
        }

        return entry.TryGetProperty("event", out var cloudEvent)
            ? DecodeCloudEvent(entryId, cloudEvent, topic, now, keepRawEvents, body)
            : Poison(entryId, "", topic, now, "bulk entry has no event");
    }

    /// <summary>Decodes one CloudEvent and keeps its trace context, whatever its fate: a dead letter is traced too.</summary>
    /// <param name="body">The delivery the CloudEvent is part of (a counted message keeps its slice of it).</param>
    private DecodedMessage DecodeCloudEvent(string entryId, JsonElement cloudEvent, string? topic, DateTimeOffset now, bool keepRawEvents, ReadOnlyMemory<byte> body)
    {
        var message = DecodeCloudEventBody(entryId, cloudEvent, topic, now, body);
        var (traceParent, traceState) = cloudEvent.ValueKind == JsonValueKind.Object ? CloudEventReader.TraceContext(cloudEvent) : (null, null);
        return WithRawAndTrace(message, keepRawEvents, JsonMarshal.GetRawUtf8Value(cloudEvent), traceParent, traceState);
    }

    /// <summary>What every decoded CloudEvent adds last: its text when the caller keeps it, and the producer's trace context.</summary>
    private static DecodedMessage WithRawAndTrace(DecodedMessage message, bool keepRawEvents, ReadOnlySpan<byte> rawEvent, string? traceParent, string? traceState)
    {
        if (keepRawEvents && message.RawEvent is null)
        {
            message = message with { RawEvent = RawText(rawEvent) };
        }

        return traceParent is null ? message : message with { TraceParent = traceParent, TraceState = traceState };
    }

    /// <summary>RawEvent is set only on poison here; <see cref="DecodeCloudEvent"/> adds it for the others when asked.</summary>
    private DecodedMessage DecodeCloudEventBody(string entryId, JsonElement cloudEvent, string? topic, DateTimeOffset now, ReadOnlyMemory<byte> body)
    {
        if (cloudEvent.ValueKind == JsonValueKind.String)
        {
            // Some producers double-encode: the event is a JSON string holding the CloudEvent.
            try
            {
                var inner = cloudEvent.GetString()!;
                using var innerDocument = JsonDocument.Parse(inner);
                if (innerDocument.RootElement.ValueKind == JsonValueKind.Object)
                {
                    // The inner CloudEvent is not part of the delivery body: a counted one keeps the text delivered instead.
                    var message = DecodeCloudEvent(entryId, innerDocument.RootElement, topic, now, keepRawEvents: false, body: default);
                    return message.Counted is null ? message : message with { RawEvent = RawText(cloudEvent) };
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
            }

            return Poison(entryId, RawText(cloudEvent), topic, now, "event is a string that does not hold a CloudEvent object");
        }

        if (cloudEvent.ValueKind != JsonValueKind.Object)
        {
            return Poison(entryId, RawText(cloudEvent), topic, now, $"event is a JSON {Describe(cloudEvent.ValueKind)}, not a CloudEvent object");
        }

        topic = CloudEventReader.GetString(cloudEvent, CloudEventAttributes.Topic) ?? topic;
        var id = CloudEventReader.GetString(cloudEvent, CloudEventAttributes.Id);
        var hasStringId = cloudEvent.TryGetProperty(CloudEventAttributes.Id, out var idElement) && idElement.ValueKind == JsonValueKind.String;
        if (string.IsNullOrEmpty(id))
        {
            return hasStringId
                ? UnstorableId(entryId, cloudEvent, idElement, topic, now, "CloudEvent id is empty or not valid UTF-16, so it cannot be counted exactly once")
                : Poison(entryId, RawText(cloudEvent), topic, now, "CloudEvent has no id, so it cannot be counted exactly once");
        }

        if (StoredLimits.IdProblem(id) is { } idProblem)
        {
            // The id is the dedup key stored in Postgres: one that cannot be stored would fail every write it joins.
            return UnstorableId(entryId, cloudEvent, idElement, topic, now, idProblem);
        }

        var time = now;
        var timeText = CloudEventReader.GetString(cloudEvent, CloudEventAttributes.Time);
        if (timeText is not null && !Rfc3339.TryParse(timeText, out time))
        {
            return new DecodedMessage(entryId, id, now, topic, RawText(cloudEvent), null, $"CloudEvent time '{StoredText.Printable(timeText, 64)}' is not an RFC 3339 timestamp");
        }

        if (!CloudEventReader.TryGetData(cloudEvent, out var data, out var dataError))
        {
            return new DecodedMessage(entryId, id, time, topic, RawText(cloudEvent), null, dataError);
        }

        return DecodeData(entryId, id, time, topic, JsonMarshal.GetRawUtf8Value(cloudEvent), data, body);
    }

    /// <summary>An entry the envelope scan read (<see cref="ScannedEntry"/>): what <see cref="DecodeCloudEvent"/> gives for it, without a document.</summary>
    private DecodedMessage DecodeScanned(ScannedEntry entry, string? topic, DateTimeOffset now, bool keepRawEvents, ReadOnlyMemory<byte> body)
    {
        var rawEvent = body.Span.Slice(entry.Event.Offset, entry.Event.Length);
        var message = DecodeData(entry.EntryId, entry.Id, entry.Time ?? now, entry.Topic ?? topic, rawEvent,
            body.Span.Slice(entry.Data.Offset, entry.Data.Length), body);
        return WithRawAndTrace(message, keepRawEvents, rawEvent, entry.TraceParent, entry.TraceState);
    }

    /// <summary>A CloudEvent's data read into events (or counted), once its id, time and topic are known.</summary>
    /// <param name="rawEvent">The CloudEvent as delivered.</param>
    private DecodedMessage DecodeData(string entryId, string id, DateTimeOffset time, string? topic, ReadOnlySpan<byte> rawEvent, ReadOnlySpan<byte> data,
        ReadOnlyMemory<byte> body)
    {
        if (counter is not null)
        {
            return Count(entryId, id, time, topic, rawEvent, data, body);
        }

        var parsed = reader.Read(data, PayloadFormat.Json, time);
        if (parsed.Error is { } error)
        {
            return new DecodedMessage(entryId, id, time, topic, RawText(rawEvent), null, $"data is not LogEvent v1: {error.Message}") { Tenant = TenantHint.From(data) };
        }

        if (parsed.Rejected.Count > 0)
        {
            return new DecodedMessage(entryId, id, time, topic, RawText(rawEvent), null, DescribeRejections(parsed.Rejected, parsed.Total)) { Tenant = TenantHint.From(data) };
        }

        if (StoredLimits.EventProblem(parsed.Accepted) is { } eventProblem)
        {
            return new DecodedMessage(entryId, id, time, topic, RawText(rawEvent), null, eventProblem) { Tenant = TenantHint.From(data) };
        }

        return new DecodedMessage(entryId, id, time, topic, null, parsed.Accepted, null) { Tenant = SingleTenant(parsed.Accepted) };
    }

    /// <summary>The counting twin of the full read above: the same outcomes and reasons, in that order, without events.</summary>
    private DecodedMessage Count(string entryId, string id, DateTimeOffset time, string? topic, ReadOnlySpan<byte> rawEvent, ReadOnlySpan<byte> data, ReadOnlyMemory<byte> body)
    {
        var counted = new List<CountedEvent>();
        var result = counter!.Count(data, PayloadFormat.Json, time, counted);
        if (result.Error is { } error)
        {
            return new DecodedMessage(entryId, id, time, topic, RawText(rawEvent), null, $"data is not LogEvent v1: {error.Message}") { Tenant = TenantHint.From(data) };
        }

        if (result.Rejected.Count > 0)
        {
            return new DecodedMessage(entryId, id, time, topic, RawText(rawEvent), null, DescribeRejections(result.Rejected, result.Total)) { Tenant = TenantHint.From(data) };
        }

        if (StoredLimits.CountedProblem(counted) is { } eventProblem)
        {
            return new DecodedMessage(entryId, id, time, topic, RawText(rawEvent), null, eventProblem) { Tenant = TenantHint.From(data) };
        }

        var inBody = body.Span.Overlaps(rawEvent, out var offset);
        return new DecodedMessage(entryId, id, time, topic, inBody ? null : RawText(rawEvent), null, null)
        {
            Counted = counted,
            Delivered = inBody ? body.Slice(offset, rawEvent.Length) : default,
            Tenant = SingleTenant(counted, static e => e.TenantId),
        };
    }

    private static string RawText(JsonElement cloudEvent) => RawText(JsonMarshal.GetRawUtf8Value(cloudEvent));

    private static string RawText(ReadOnlySpan<byte> rawEvent) => Encoding.UTF8.GetString(rawEvent);

    private static string? SingleTenant(IReadOnlyList<LogEvent> events) => SingleTenant(events, static e => e.TenantId);

    private static string? SingleTenant<T>(IReadOnlyList<T> events, Func<T, string> tenantOf)
    {
        var tenant = events.Count > 0 ? tenantOf(events[0]) : null;
        for (var i = 1; i < events.Count; i++)
        {
            if (!string.Equals(tenantOf(events[i]), tenant, StringComparison.Ordinal))
            {
                return null;
            }
        }

        return tenant;
    }

    private static string DescribeRejections(IReadOnlyList<RejectedEvent> rejections, int total)
    {
        var builder = new StringBuilder();
        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"{rejections.Count} of {total} events are invalid: ");
        foreach (var rejected in rejections.Take(MaxReasonErrors))
        {
            builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"[{rejected.Index}] ");
            builder.AppendJoin(", ", rejected.Errors.Select(e => string.IsNullOrEmpty(e.Field) ? e.Message : $"{e.Field}: {e.Message}"));
            builder.Append("; ");
        }

        if (rejections.Count > MaxReasonErrors)
        {
            builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"and {rejections.Count - MaxReasonErrors} more");
        }

        return builder.ToString().TrimEnd(' ', ';');
    }

    /// <summary>
    /// Poison keyed by a hash of the id as written (escapes included), not of the whole event: the dead-letter topic's
    /// copy of the message, whose other fields the broker may have changed, then lands on the same dead-letter row.
    /// </summary>
    private static DecodedMessage UnstorableId(string entryId, JsonElement cloudEvent, JsonElement id, string? topic, DateTimeOffset now, string reason)
    {
        var raw = RawText(cloudEvent);
        var key = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(JsonMarshal.GetRawUtf8Value(id)));
        return new DecodedMessage(entryId, key, now, topic, raw, null, reason) { Tenant = TenantHint.From(raw) };
    }

    private static DecodedMessage Poison(string entryId, string raw, string? topic, DateTimeOffset now, string reason)
        => new(entryId, ContentId(raw), now, topic, raw, null, reason) { Tenant = TenantHint.From(raw) };

    /// <summary>A stable key for messages that carry no usable id, so repeated arrivals land on one dead-letter row.</summary>
    private static string ContentId(string raw)
        => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)));

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
