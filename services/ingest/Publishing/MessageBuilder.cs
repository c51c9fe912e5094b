using System.Buffers;
using System.Text.Json;
using LogDapr.Contracts.CloudEvents;
using LogDapr.Contracts.Events;
using LogDapr.ServiceDefaults.Publishing;

namespace LogDapr.Ingest.Publishing;

/// <summary>
/// Splits a request's accepted events into messages of at most <c>eventsPerMessage</c> events and
/// <c>maxMessageBytes</c> of data, each a complete CloudEvent. Pure: the same events, receive time, trace context and
/// id scheme give byte-identical messages, which is what makes a retried publish safe to count once.
/// </summary>
internal static class MessageBuilder
{
    /// <param name="trace">W3C trace context every message carries (CloudEvents distributed tracing extension), if any.</param>
    /// <param name="ids">How message ids are made; random UUIDv7s when not given.</param>
    public static List<OutgoingCloudEvent> Build(
        IReadOnlyList<LogEvent> events,
        DateTimeOffset receivedAt,
        int eventsPerMessage,
        int maxMessageBytes,
        (string TraceParent, string? TraceState)? trace = null,
        MessageIdScheme? ids = null)
    {
        ids ??= MessageIdScheme.Random;
        var messages = new List<OutgoingCloudEvent>((events.Count + eventsPerMessage - 1) / eventsPerMessage);
        var buffer = new ArrayBufferWriter<byte>(Math.Min(maxMessageBytes, 64 * 1024));
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });

        var start = 0;
        while (start < events.Count)
        {
            var count = Math.Min(eventsPerMessage, events.Count - start);
            var dataLength = SerializeData(events, start, count, buffer, writer);

            // Halve until the message fits; a single event always fits because events are bounded far below the message limit.
            while (dataLength > maxMessageBytes && count > 1)
            {
                count = (count + 1) / 2;
                dataLength = SerializeData(events, start, count, buffer, writer);
            }

            var id = ids.IdFor(events, start, count, receivedAt);
            var (envelope, data) = Envelope(id, receivedAt, trace, buffer.WrittenSpan);
            messages.Add(new OutgoingCloudEvent
            {
                Id = id,
                Time = receivedAt,
                Envelope = envelope,
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

    private static int SerializeData(IReadOnlyList<LogEvent> events, int start, int count, ArrayBufferWriter<byte> buffer, Utf8JsonWriter writer)
    {
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        LogEventWriter.WriteBatch(writer, events, start, count);
        writer.Flush();
        return buffer.WrittenCount;
    }

    /// <returns>The CloudEvent JSON, and the slice of it that is the data member.</returns>
    private static (ReadOnlyMemory<byte> Envelope, ReadOnlyMemory<byte> Data) Envelope(
        string id, DateTimeOffset time, (string TraceParent, string? TraceState)? trace, ReadOnlySpan<byte> data)
    {
        // The publish's trace context, so the aggregator joins the request's trace. traceid too: Dapr replaces the
        // trace attributes with its own unless traceid is already set.
        var head = new CloudEventHead(id, CloudEventTypes.Source, CloudEventTypes.LogBatch, time, CloudEventTypes.JsonContentType)
        {
            DataSchema = CloudEventTypes.DataSchema,
            TraceParent = trace?.TraceParent,
            TraceId = trace?.TraceParent,
            TraceState = string.IsNullOrEmpty(trace?.TraceState) ? null : trace.Value.TraceState,
        };
        var envelope = CloudEventWriter.Write(head, data, out var dataOffset);
        return (envelope, envelope.AsMemory(dataOffset, data.Length));
    }
}
