using System.ComponentModel.DataAnnotations;

namespace LogDapr.Contracts.Events;

/// <summary>
/// Per-event and per-payload limits. Ingest binds every one of them from configuration section "Ingest"
/// (e.g. <c>Ingest:MaxMessageBytes</c>), and validates them at start-up.
/// </summary>
public sealed record LogEventLimits
{
    [Range(1, 1_000_000)]
    public int MaxEventsPerBatch { get; init; } = 10_000;

    [Range(1, 16 * 1024 * 1024)]
    public int MaxMessageBytes { get; init; } = 32 * 1024;

    [Range(0, 10_000)]
    public int MaxAttributes { get; init; } = 64;

    [Range(1, 4096)]
    public int MaxAttributeKeyLength { get; init; } = 128;

    [Range(1, 1024 * 1024)]
    public int MaxAttributeValueBytes { get; init; } = 4 * 1024;

    [Range(1, 1024)]
    public int MaxIdLength { get; init; } = 128;

    [Range(1, 1024)]
    public int MaxTenantIdLength { get; init; } = 64;

    [Range(1, 1024)]
    public int MaxServiceLength { get; init; } = 128;

    [Range(1, 1024)]
    public int MaxHostLength { get; init; } = 255;

    /// <summary>How far in the future (relative to receive time) a timestamp may be.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How far in the past (relative to receive time) a timestamp may be, so a client cannot rewrite buckets long
    /// closed. The largest value means no limit (readers behind ingest, such as the aggregator, use it).
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "10675199.02:48:05.4775807")]
    public TimeSpan MaxPastAge { get; init; } = TimeSpan.FromDays(7);

    public static LogEventLimits Default { get; } = new();

    /// <summary>Every limit at the largest value configuration may set: for readers behind an edge that already enforced the configured ones.</summary>
    public static LogEventLimits Widest { get; } = new()
    {
        MaxEventsPerBatch = 1_000_000,
        MaxMessageBytes = 16 * 1024 * 1024,
        MaxAttributes = 10_000,
        MaxAttributeKeyLength = 4096,
        MaxAttributeValueBytes = 1024 * 1024,
        MaxIdLength = 1024,
        MaxTenantIdLength = 1024,
        MaxServiceLength = 1024,
        MaxHostLength = 1024,
        MaxFutureSkew = TimeSpan.FromDays(7),
        MaxPastAge = TimeSpan.MaxValue,
    };
}
