using LogDapr.Contracts.CloudEvents;
using LogDapr.Contracts.Events.Encoded;
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
        EncodedEvents events,
        DateTimeOffset receivedAt,
        int eventsPerMessage,
        int maxMessageBytes,
        (string TraceParent, string? TraceState)? trace = null,
        MessageIdScheme? ids = null)
    {
        var run = new RunState(events, receivedAt, trace, ids ?? MessageIdScheme.Random,
            new List<OutgoingCloudEvent>((events.Count + eventsPerMessage - 1) / eventsPerMessage));
        events.Split(eventsPerMessage, maxMessageBytes, run, static (run, data, first, count) =>
        {
            var id = run.Ids.IdFor(run.Events, first, count, run.ReceivedAt);
            var (envelope, payload) = Envelope(id, run.ReceivedAt, run.Trace, data);
            run.Messages.Add(new OutgoingCloudEvent
            {
                Id = id,
                Envelope = envelope,
                Data = payload,
                FirstEvent = first,
                EventCount = count,
            });
        });
        return run.Messages;
    }

    private readonly record struct RunState(
        EncodedEvents Events, DateTimeOffset ReceivedAt, (string TraceParent, string? TraceState)? Trace, MessageIdScheme Ids, List<OutgoingCloudEvent> Messages);

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
