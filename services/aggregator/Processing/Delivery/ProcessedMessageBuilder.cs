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
        var parts = new List<(int Start, int Count, byte[] Data)>();
        var buffer = new ArrayBufferWriter<byte>(4096);
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        var start = 0;
        while (start < events.Count)
        {
            var count = events.Count - start;
            var length = Serialize(events, start, count, buffer, writer);
            while (length > maxDataBytes && count > 1)
            {
                count = (count + 1) / 2;
                length = Serialize(events, start, count, buffer, writer);
            }

            parts.Add((start, count, buffer.WrittenSpan.ToArray()));
            start += count;
        }

        var result = new List<OutgoingCloudEvent>(parts.Count);
        for (var i = 0; i < parts.Count; i++)
        {
            var (first, count, data) = parts[i];
            var id = parts.Count == 1 ? message.MessageId : PartId(message.MessageId, i);
            var head = new CloudEventHead(id, CloudEventTypes.Source, CloudEventTypes.LogBatch, message.Time, CloudEventTypes.JsonContentType)
            {
                DataSchema = CloudEventTypes.DataSchema,
                TraceParent = message.TraceParent,
                TraceId = message.TraceParent,
                TraceState = string.IsNullOrEmpty(message.TraceState) ? null : message.TraceState,
                RulesVersion = rulesVersion,
            };
            var envelope = CloudEventWriter.Write(head, data, out var dataOffset);
            result.Add(new OutgoingCloudEvent
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
            });
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

    private static int Serialize(IReadOnlyList<LogEvent> events, int start, int count, ArrayBufferWriter<byte> buffer, Utf8JsonWriter writer)
    {
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        LogEventWriter.WriteBatch(writer, events, start, count);
        writer.Flush();
        return buffer.WrittenCount;
    }
}
