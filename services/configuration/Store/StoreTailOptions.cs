using System.ComponentModel.DataAnnotations;

namespace LogDapr.Configuration.Store;

/// <summary>Bounds of the live tail (section "Store:Tail").</summary>
public sealed class StoreTailOptions
{
    /// <summary>How often each tail reads the rows stored since its last read.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Tails served at once by one replica; one more is a 429 with Retry-After.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrent { get; set; } = 32;

    /// <summary>Events queued for one client; when the client is slower the oldest are dropped and it is told how many.</summary>
    [Range(1, 1_000_000)]
    public int BufferedEvents { get; set; } = 1000;

    /// <summary>A comment line is sent when nothing else was for this long, so proxies keep the stream open.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How far back each poll re-reads: stored_at is taken when a row is inserted, not when its transaction commits,
    /// so a row can become visible after rows stored later. Longer than the slowest insert transaction.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan Overlap { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Rows one read returns; a poll reads at most ten such pages.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>Keys one tail remembers to skip the rows its overlapping reads see twice.</summary>
    [Range(100, 10_000_000)]
    public int MaxRemembered { get; set; } = 50_000;
}
