namespace LogDapr.Aggregator.Audit;

/// <summary>One stored audit record, as GET /v1/audit returns it.</summary>
public sealed record AuditRecord(
    long Id,
    DateTimeOffset At,
    string Actor,
    string Action,
    string? Tenant,
    string? Resource,
    string? RemoteAddress,
    string Outcome,
    int StatusCode,
    int Suppressed);

/// <summary>A page of audit records, newest first; <c>next_cursor</c> fetches the older ones (null on the last page).</summary>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Items, string? NextCursor);
