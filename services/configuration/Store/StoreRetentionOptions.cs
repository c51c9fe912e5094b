using System.ComponentModel.DataAnnotations;

namespace LogDapr.Configuration.Store;

/// <summary>How long each kind of stored data is kept (section "Store:Retention").</summary>
public sealed class StoreRetentionOptions
{
    /// <summary>Days raw events (log_events) are kept.</summary>
    [Range(1, 3650)]
    public int EventsDays { get; set; } = 7;

    /// <summary>Days per-bucket counts (log_counts) are kept.</summary>
    [Range(1, 3650)]
    public int CountsDays { get; set; } = 400;

    /// <summary>Days dead letters are kept after they were last seen.</summary>
    [Range(1, 3650)]
    public int DeadLettersDays { get; set; } = 30;
}
