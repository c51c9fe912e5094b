using System.ComponentModel.DataAnnotations;

namespace LogDapr.Configuration.Ingest;

/// <summary>
/// How much work one ingest replica takes on at once (section "Ingest"). Beyond it, requests get 503 with
/// Retry-After at once instead of queueing, so memory stays flat under overload.
/// </summary>
public sealed class BackpressureOptions
{
    public const string Section = IngestOptions.Section;

    /// <summary>Requests being validated or published at the same time (a request takes its slot once its body is read).</summary>
    [Range(1, 100_000)]
    public int MaxConcurrentRequests { get; set; } = 64;

    /// <summary>Request body bytes held in memory at once, across all requests, those still being read included.</summary>
    [Range(1024 * 1024, 16L * 1024 * 1024 * 1024)]
    public long MaxInFlightBodyBytes { get; set; } = 96L * 1024 * 1024;
}
