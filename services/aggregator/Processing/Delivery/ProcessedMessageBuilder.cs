using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LogDapr.Aggregator.Decoding;
using LogDapr.Contracts.CloudEvents;
using LogDapr.Contracts.Events;
using LogDapr.ServiceDefaults.Publishing;

namespace LogDapr.Aggregator.Processing.Delivery;

/// <summary>
/// Turns the processed events of one delivered message into the CloudEvent(s) published on the processed topic.
/// Pure and deterministic: the same message and rules give byte-identical CloudEvents, so a redelivered message is
/// published again under the same id, which the counter and the store then recognise as already done.
/// </summary>
public static class ProcessedMessageBuilder
{
    /// <summary>
    /// The message keeps its CloudEvent id, time (ingest's receive time, so lag stays end to end) and trace context.
    /// Only a message that processing made larger than <paramref name="maxDataBytes"/> is split, into parts with ids
    /// derived from its own.
    /// </summary>
    public static List<OutgoingCloudEvent> Build(DecodedMessage message, IReadOnlyList<LogEvent> events, string rulesVersion, int maxDataBytes)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(events);
        var result = new List<OutgoingCloudEvent>(1);
        var buffer = TakeBuffer();
        try
        {
            using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
            var start = 0;
            var part = 0;
            while (start < events.Count)
            {
                var count = events.Count - start;
                var length = Serialize(events, start, count, buffer, writer);
                while (length > maxDataBytes && count > 1)
                {
                    count = (count + 1) / 2;
                    length = Serialize(events, start, count, buffer, writer);
                }

                // One part (the usual case) keeps the message's id; a split gives every part an id derived from it.
                var whole = start == 0 && count == events.Count;
                result.Add(Envelope(message, whole ? message.MessageId : PartId(message.MessageId, part), rulesVersion, buffer.WrittenSpan, start, count));
                start += count;
                part++;
            }
        }
        finally
        {
            ReturnBuffer(buffer);
        }

        return result;
    }

    /// <summary>Part ids stay within the 512 bytes the dedup key may have: a long id is replaced by its hash.</summary>
    public static string PartId(string messageId, int part)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var suffix = "/part" + part.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var root = Encoding.UTF8.GetByteCount(messageId) + suffix.Length <= StoredLimits.MaxMessageIdBytes
            ? messageId
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)));
        return root + suffix;
    }

    private static OutgoingCloudEvent Envelope(DecodedMessage message, string id, string rulesVersion, ReadOnlySpan<byte> data, int first, int count)
    {
        var head = new CloudEventHead(id, CloudEventTypes.Source, CloudEventTypes.LogBatch, message.Time, CloudEventTypes.JsonContentType)
        {
            DataSchema = CloudEventTypes.DataSchema,
            TraceParent = message.TraceParent,
            TraceId = message.TraceParent,
            TraceState = string.IsNullOrEmpty(message.TraceState) ? null : message.TraceState,
            RulesVersion = rulesVersion,
        };
        var envelope = CloudEventWriter.Write(head, data, out var dataOffset);
        return new OutgoingCloudEvent
        {
            Id = id,
            Time = message.Time,
            Envelope = envelope,
            Data = envelope.AsMemory(dataOffset, data.Length),
            FirstEvent = first,
            EventCount = count,
            TraceParent = message.TraceParent,
            TraceId = message.TraceParent,
            TraceState = head.TraceState,
        };
    }

    // A message's events serialize to ~100 KB: a fresh growing buffer per message would allocate (and zero) several
    // large-object-heap arrays each time. One buffer per thread is reused; one grown past a huge message is let go.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? cachedBuffer;

    private const int MaxCachedBufferBytes = 4 * 1024 * 1024;

    private static ArrayBufferWriter<byte> TakeBuffer()
    {
        var buffer = cachedBuffer ?? new ArrayBufferWriter<byte>(256 * 1024);
        cachedBuffer = null;
        buffer.ResetWrittenCount();
        return buffer;
    }

    private static void ReturnBuffer(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity <= MaxCachedBufferBytes)
        {
            buffer.ResetWrittenCount();
            cachedBuffer = buffer;
        }
    }

    private static int Serialize(IReadOnlyList<LogEvent> events, int start, int count, ArrayBufferWriter<byte> buffer, Utf8JsonWriter writer)
    {
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        LogEventWriter.WriteBatch(writer, events, start, count);
        writer.Flush();
        return buffer.WrittenCount;
    }
}
