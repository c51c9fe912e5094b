using System.Security.Cryptography;
using System.Text;
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
        var run = new RunState(message, events.Count, rulesVersion, new List<OutgoingCloudEvent>(1));
        LogEventRuns.Split(events, int.MaxValue, maxDataBytes, run, static (run, data, first, count) =>
        {
            // One part (the usual case) keeps the message's id; a split gives every part an id derived from it.
            var whole = first == 0 && count == run.EventCount;
            var id = whole ? run.Message.MessageId : PartId(run.Message.MessageId, run.Messages.Count);
            run.Messages.Add(Envelope(run.Message, id, run.RulesVersion, data, first, count));
        });
        return run.Messages;
    }

    private readonly record struct RunState(DecodedMessage Message, int EventCount, string RulesVersion, List<OutgoingCloudEvent> Messages);

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
            Envelope = envelope,
            Data = envelope.AsMemory(dataOffset, data.Length),
            FirstEvent = first,
            EventCount = count,
        };
    }
}
