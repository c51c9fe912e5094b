using System.Buffers;
using System.Text;
using System.Text.Json;
using LogDapr.Aggregator.Decoding;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.DeadLetters;

/// <summary>
/// The CloudEvent of a valid message, written back from its decoded events, for the dead-letter table when Postgres
/// refuses a message the decoder accepted (the delivery route does not keep every message's text, which would double
/// its memory). Same id, time and trace context; the events in their normalized LogEvent v1 form, so a replay counts
/// them as the original would have been. Pure.
/// </summary>
public static class RebuiltCloudEvent
{
    public static string Json(DecodedMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("specversion", "1.0");
            writer.WriteString("id", message.MessageId);
            writer.WriteString("source", "logdapr/aggregator");
            writer.WriteString("type", CloudEventTypes.LogBatch);
            writer.WriteString("time", message.Time.UtcDateTime);
            writer.WriteString("datacontenttype", CloudEventTypes.JsonContentType);
            if (message.TraceParent is not null)
            {
                writer.WriteString(CloudEventTrace.TraceParent, message.TraceParent);
            }

            if (message.TraceState is not null)
            {
                writer.WriteString(CloudEventTrace.TraceState, message.TraceState);
            }

            writer.WritePropertyName("data");
            var events = message.Events ?? [];
            LogEventWriter.WriteBatch(writer, events, 0, events.Count);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
