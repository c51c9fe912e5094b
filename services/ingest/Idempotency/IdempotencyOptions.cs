using System.ComponentModel.DataAnnotations;

namespace LogDapr.Ingest.Idempotency;

/// <summary>Idempotency keys (section "Ingest"), kept in the Dapr state store.</summary>
public sealed class IdempotencyOptions
{
    /// <summary>How long a key's outcome is remembered (sent as ttlInSeconds with each state write).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan IdempotencyKeyTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a claimed key may stay unfinished before another request may take it over (the first request's
    /// replica died). Longer than the publish timeout, so a live request is never overtaken.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan IdempotencyClaimTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
