using System.Buffers;
using System.Text;
using System.Text.Json;
using LogDapr.Aggregator.Decoding;
using LogDapr.Contracts.CloudEvents;
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
    public const string Source = "logdapr/aggregator";

    public static string Json(DecodedMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            CloudEventWriter.WriteHead(writer, new CloudEventHead(message.MessageId, Source, CloudEventTypes.LogBatch, message.Time, CloudEventTypes.JsonContentType)
            {
                TraceParent = message.TraceParent,
                TraceState = message.TraceState,
            });
            var events = message.Events ?? [];
            LogEventWriter.WriteBatch(writer, events, 0, events.Count);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
