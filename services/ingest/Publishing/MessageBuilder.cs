using System.Buffers;
using System.Text.Json;
using LogDapr.Contracts.Events;

namespace LogDapr.Ingest.Publishing;

/// <summary>
/// Splits a request's accepted events into messages of at most <c>eventsPerMessage</c> events and
/// <c>maxMessageBytes</c> of data. Pure: the ids come from <see cref="Guid.CreateVersion7(DateTimeOffset)"/>
/// at the receive time, so messages of one request sort together.
/// </summary>
internal static class MessageBuilder
{
    /// <param name="trace">W3C trace context every message carries (CloudEvents distributed tracing extension), if any.</param>
    public static List<OutgoingCloudEvent> Build(
        IReadOnlyList<LogEvent> events, DateTimeOffset receivedAt, int eventsPerMessage, int maxMessageBytes, (string TraceParent, string? TraceState)? trace = null)
    {
        var messages = new List<OutgoingCloudEvent>((events.Count + eventsPerMessage - 1) / eventsPerMessage);
        var buffer = new ArrayBufferWriter<byte>(Math.Min(maxMessageBytes, 64 * 1024));
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });

        var start = 0;
        while (start < events.Count)
        {
            var count = Math.Min(eventsPerMessage, events.Count - start);
            var data = Serialize(events, start, count, buffer, writer);

            // Halve until the message fits; a single event always fits because events are bounded far below the message limit.
            while (data.Length > maxMessageBytes && count > 1)
            {
                count = (count + 1) / 2;
                data = Serialize(events, start, count, buffer, writer);
            }

            messages.Add(new OutgoingCloudEvent
            {
                Id = Guid.CreateVersion7(receivedAt).ToString(),
                Time = receivedAt,
                Data = data,
                FirstEvent = start,
                EventCount = count,
                TraceParent = trace?.TraceParent,
                TraceId = trace?.TraceParent,
                TraceState = trace?.TraceState,
            });
            start += count;
        }

        return messages;
    }

    private static byte[] Serialize(IReadOnlyList<LogEvent> events, int start, int count, ArrayBufferWriter<byte> buffer, Utf8JsonWriter writer)
    {
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        LogEventWriter.WriteBatch(writer, events, start, count);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
