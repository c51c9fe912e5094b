using System.ComponentModel.DataAnnotations;

namespace LogDapr.Configuration.Ingest;

/// <summary>Idempotency keys (section "Ingest"), kept in the Dapr state store.</summary>
public sealed class IdempotencyOptions
{
    public const string Section = IngestOptions.Section;

    /// <summary>How long a key's outcome is remembered (sent as ttlInSeconds with each state write).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan IdempotencyKeyTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a claimed key may stay unfinished before another attempt may take it over (the first attempt's
    /// replica died, or could not record its outcome). Safe at any length: every attempt publishes the same messages.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan IdempotencyClaimTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Bound of each phase of state-store calls of a keyed request (claiming the key; recording its outcome), so a
    /// hung sidecar holds a request at most the publish timeout plus twice this.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:30")]
    public TimeSpan IdempotencyStoreTimeout { get; set; } = TimeSpan.FromSeconds(1);
}
