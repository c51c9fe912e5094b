using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Decoding;

/// <summary>
/// One delivered message after decoding. Either <see cref="Events"/> (or, from a counting decoder,
/// <see cref="Counted"/>) is set (a valid message) or <see cref="PoisonReason"/> is (it goes to the dead-letter topic).
/// </summary>
/// <param name="EntryId">Bulk entry id (Dapr's handle for the status), or "" for a single delivery.</param>
/// <param name="MessageId">CloudEvent id; for undecodable messages a content hash, so the dead letter has a stable key.</param>
/// <param name="Time">CloudEvent time: the publish time, stable across redeliveries.</param>
/// <param name="RawEvent">The message as delivered, kept verbatim for the dead-letter table: always for poison, for valid messages only when asked.</param>
public sealed record DecodedMessage(
    string EntryId,
    string MessageId,
    DateTimeOffset Time,
    string? Topic,
    string? RawEvent,
    IReadOnlyList<LogEvent>? Events,
    string? PoisonReason)
{
    /// <summary>The single tenant the message's data names (also for poison), or null.</summary>
    public string? Tenant { get; init; }

    /// <summary>W3C trace context the producer published with (CloudEvent <c>traceparent</c>/<c>tracestate</c>), if any.</summary>
    public string? TraceParent { get; init; }

    public string? TraceState { get; init; }

    /// <summary>What the events of a valid message are counted by, when it was decoded for counting only (then <see cref="Events"/> is null).</summary>
    public IReadOnlyList<CountedEvent>? Counted { get; init; }

    /// <summary>
    /// A counted message's CloudEvent as delivered: a slice of the delivery body, valid only while the delivery is
    /// handled. Without events to rebuild it from, this is what a dead letter of the message stores.
    /// </summary>
    public ReadOnlyMemory<byte> Delivered { get; init; }

    public int EventCount => Events?.Count ?? Counted?.Count ?? 0;

    public bool IsPoison => PoisonReason is not null;
}
