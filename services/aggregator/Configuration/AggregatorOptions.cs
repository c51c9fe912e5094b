using System.ComponentModel.DataAnnotations;

namespace LogDapr.Aggregator.Configuration;

/// <summary>Aggregation and subscription settings (section "Aggregator"). Validated at start-up.</summary>
public sealed class AggregatorOptions
{
    /// <summary>Width of a count bucket. Queries can use any step that is a multiple of it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan BucketWidth { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most messages in one bulk delivery (Dapr bulkSubscribe.maxMessagesCount).</summary>
    [Range(1, 10_000)]
    public int BulkMaxMessages { get; set; } = 100;

    /// <summary>Longest the sidecar waits to fill a bulk delivery (Dapr bulkSubscribe.maxAwaitDurationMs).</summary>
    [Range(1, 60_000)]
    public int BulkMaxAwaitMilliseconds { get; set; } = 500;

    /// <summary>True when Dapr Subscription resources (rendered by the operator) declare the subscriptions instead of /dapr/subscribe.</summary>
    public bool DeclarativeSubscriptions { get; set; }
}
