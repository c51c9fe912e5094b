using System.ComponentModel.DataAnnotations;

namespace LogDapr.Configuration.Store;

/// <summary>Bounds of the search API (section "Store:Search").</summary>
public sealed class StoreSearchOptions
{
    /// <summary>Largest <c>limit</c> of GET /v1/logs (events per page).</summary>
    [Range(1, 10_000)]
    public int MaxRows { get; set; } = 1000;

    /// <summary>Events per page when the request gives no <c>limit</c>.</summary>
    [Range(1, 10_000)]
    public int DefaultLimit { get; set; } = 100;

    /// <summary>Longest from..to window of a search without <c>trace_id</c> (a larger one is a 400).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan MaxWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Statement timeout of one search, context or tail read (SET LOCAL statement_timeout).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan StatementTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most lines GET /v1/logs/context returns on each side of the event.</summary>
    [Range(1, 1000)]
    public int MaxContextLines { get; set; } = 100;
}
