using System.ComponentModel.DataAnnotations;

namespace LogDapr.Configuration.Ingest;

/// <summary>
/// How much work one ingest replica takes on at once (section "Ingest"). Beyond it, requests get 503 with
/// Retry-After at once instead of queueing, so memory stays flat under overload.
/// </summary>
public sealed class BackpressureOptions
{
    public const string Section = IngestOptions.Section;

    /// <summary>
    /// Requests being decoded and validated at the same time (CPU work: a request takes its slot once its body is
    /// read, and gives it up when its events are handed to the publisher).
    /// </summary>
    [Range(1, 100_000)]
    public int MaxConcurrentRequests { get; set; } = 64;

    /// <summary>
    /// Requests whose events are with the publisher, awaiting the broker's confirmation (rate limit included). A
    /// request waiting for the broker costs memory (its body, bounded by MaxInFlightBodyBytes) but no CPU, so this is
    /// much larger than MaxConcurrentRequests: one round trip's worth of single-event requests at the rate ingest takes.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxAwaitingPublish { get; set; } = 4096;

    /// <summary>Request body bytes held in memory at once, across all requests, those still being read included.</summary>
    [Range(1024 * 1024, 16L * 1024 * 1024 * 1024)]
    public long MaxInFlightBodyBytes { get; set; } = 96L * 1024 * 1024;
}
