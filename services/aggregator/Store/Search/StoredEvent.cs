namespace LogDapr.Aggregator.Store.Search;

/// <summary>One stored event as the search, context and tail APIs show it.</summary>
/// <param name="Id">The event's id (the client's, or the one ingest gave it).</param>
/// <param name="Timestamp">The event's own time.</param>
/// <param name="ReceivedAt">When ingest accepted it (its message's CloudEvent time).</param>
/// <param name="Severity">trace, debug, info, warn, error or fatal.</param>
/// <param name="MessageId">The id of the message it came in.</param>
public sealed record StoredEvent(
    string Id,
    string Tenant,
    DateTimeOffset Timestamp,
    DateTimeOffset ReceivedAt,
    string Service,
    string Severity,
    string? Host,
    string Message,
    IReadOnlyDictionary<string, string> Attributes,
    string? TraceId,
    string? SpanId,
    string MessageId);

/// <summary>A page of GET /v1/logs, newest first. NextCursor is null on the last page.</summary>
public sealed record LogSearchResult(IReadOnlyList<StoredEvent> Events, string? NextCursor);

/// <summary>GET /v1/logs/context: the event, and the lines of its tenant, service and host just before and after it, oldest first.</summary>
public sealed record LogContextResult(IReadOnlyList<StoredEvent> Before, StoredEvent Event, IReadOnlyList<StoredEvent> After);
