using System.Text.Json;
using LogDapr.Contracts.CloudEvents;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Decoding;

/// <summary>
/// What the decoder needs of a bulk entry whose CloudEvent is the usual kind (an object with a string id, a time that
/// parses or none, and JSON data), read by the envelope scan's own pass, so the entry is not parsed again as a
/// document before its data is counted. Any other entry (poison, double-encoded, base64 or string data, an id that
/// cannot be stored) is not read here: the document path decides it, with its reasons.
/// </summary>
/// <param name="Event">The CloudEvent's (offset, length) in the body: what a counted message keeps as delivered.</param>
/// <param name="Data">The data's (offset, length) in the body.</param>
/// <param name="Topic">The CloudEvent's topic attribute, if it is a string (else the envelope's applies).</param>
/// <param name="TraceParent">traceparent, else traceid; null when neither is a string.</param>
/// <param name="TraceState">tracestate, when there is a trace parent.</param>
internal sealed record ScannedEntry(string EntryId, (int Offset, int Length) Event, string Id, DateTimeOffset? Time, string? Topic,
    string? TraceParent, string? TraceState, (int Offset, int Length) Data)
{
    /// <summary>
    /// Reads the entry the reader is at (its first token) to its end, whatever it holds. Null when it is not the usual
    /// kind. Members are taken as <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> takes them: the last
    /// of duplicated names, escaped names unescaped.
    /// </summary>
    public static ScannedEntry? Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        Value entryId = default;
        CloudEvent? cloudEvent = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isEntryId = reader.ValueTextEquals("entryId"u8);
            var isEvent = reader.ValueTextEquals("event"u8);
            reader.Read();
            if (isEntryId)
            {
                entryId = Value.Of(ref reader);
            }
            else if (isEvent)
            {
                cloudEvent = reader.TokenType == JsonTokenType.StartObject ? CloudEvent.Read(ref reader) : null;
                if (cloudEvent is null)
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return entryId.Text is { } id ? cloudEvent?.Entry(id) : null;
    }

    /// <summary>A member's value as <see cref="CloudEventReader.StringValue"/> reads it: its kind, and Text when it is a string that decodes.</summary>
    private readonly record struct Value(JsonTokenType Kind, string? Text)
    {
        public static Value Of(ref Utf8JsonReader reader)
        {
            var kind = reader.TokenType;
            string? text = null;
            if (kind == JsonTokenType.String)
            {
                try
                {
                    text = reader.GetString();
                }
                catch (InvalidOperationException)
                {
                }
            }
            else
            {
                reader.Skip();
            }

            return new Value(kind, text);
        }
    }

    private sealed class CloudEvent
    {
        private Value id, time, topic, traceParent, traceId, traceState, dataBase64;
        private JsonTokenType dataKind = JsonTokenType.None;
        private (int Offset, int Length) data, span;

        public static CloudEvent Read(ref Utf8JsonReader reader)
        {
            var cloudEvent = new CloudEvent();
            var start = checked((int)reader.TokenStartIndex);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(CloudEventAttributes.Data))
                {
                    reader.Read();
                    var dataStart = checked((int)reader.TokenStartIndex);
                    cloudEvent.dataKind = reader.TokenType;
                    reader.Skip();
                    cloudEvent.data = (dataStart, checked((int)reader.BytesConsumed) - dataStart);
                    continue;
                }

                ref var slot = ref cloudEvent.Slot(ref reader);
                reader.Read();
                if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref slot))
                {
                    reader.Skip();
                }
                else
                {
                    slot = Value.Of(ref reader);
                }
            }

            cloudEvent.span = (start, checked((int)reader.BytesConsumed) - start);
            return cloudEvent;
        }

        private ref Value Slot(ref Utf8JsonReader reader)
        {
            if (reader.ValueTextEquals(CloudEventAttributes.Id)) { return ref id; }
            if (reader.ValueTextEquals(CloudEventAttributes.Time)) { return ref time; }
            if (reader.ValueTextEquals(CloudEventAttributes.Topic)) { return ref topic; }
            if (reader.ValueTextEquals(CloudEventAttributes.TraceParent)) { return ref traceParent; }
            if (reader.ValueTextEquals(CloudEventAttributes.TraceId)) { return ref traceId; }
            if (reader.ValueTextEquals(CloudEventAttributes.TraceState)) { return ref traceState; }
            if (reader.ValueTextEquals(CloudEventAttributes.DataBase64)) { return ref dataBase64; }
            return ref System.Runtime.CompilerServices.Unsafe.NullRef<Value>();
        }

        /// <summary>The entry, when the document path would count or refuse its data without a poison reason of its own.</summary>
        public ScannedEntry? Entry(string entryId)
        {
            if (id.Text is not { Length: > 0 } messageId || StoredLimits.IdProblem(messageId) is not null)
            {
                return null;
            }

            DateTimeOffset? at = null;
            if (time.Text is { } timeText)
            {
                if (!Rfc3339.TryParse(timeText, out var parsed))
                {
                    return null;
                }

                at = parsed;
            }

            if (dataBase64.Kind == JsonTokenType.String || dataKind is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
            {
                return null;
            }

            var parent = traceParent.Text ?? traceId.Text;
            return new ScannedEntry(entryId, span, messageId, at, topic.Text, parent, parent is null ? null : traceState.Text, data);
        }
    }
}
