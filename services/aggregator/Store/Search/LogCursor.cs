namespace LogDapr.Aggregator.Store.Search;

/// <summary>
/// Where the next page starts: after (Timestamp, EventId) in newest-first order, in the window [From, To) of the
/// first page, for the tenant and query (QueryHash) it was issued for.
/// </summary>
public sealed record LogCursor(string Tenant, DateTimeOffset Timestamp, string EventId, DateTimeOffset From, DateTimeOffset To, byte[] QueryHash);
