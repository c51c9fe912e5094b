namespace LogDapr.Aggregator.Store.Search;

/// <summary>
/// A validated GET /v1/logs: events of [From, To) matching Filter, newest first, Limit per page, continuing after
/// Cursor (still encoded: only the tenant known after authorization can check it).
/// </summary>
/// <param name="WindowGiven">Whether from and to were given (a defaulted window is carried by the cursor instead).</param>
public sealed record LogSearchQuery(LogFilter Filter, DateTimeOffset From, DateTimeOffset To, bool WindowGiven, int Limit, string? Cursor)
{
    /// <summary>What a cursor must have been issued for: the filter, and the window when the request gave it.</summary>
    public string Normalized() => string.Join('\u001c', Filter.Normalized(),
        WindowGiven ? From.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) : "",
        WindowGiven ? To.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
}
