using System.ComponentModel.DataAnnotations;

namespace LogDapr.Configuration.Enrichment;

/// <summary>
/// The enrichment metadata lookup of the processor role (section "Enrichment"): an in-process cache, then the Dapr
/// state store (Pipeline:StateStoreName), then Postgres. Each remote source has its own circuit breaker with these
/// thresholds and its own timeout; a source that fails or is open leaves its keys unavailable (events go on, partial).
/// </summary>
public sealed class EnrichmentOptions : IValidatableObject
{
    public const string Section = "Enrichment";

    /// <summary>
    /// The Dapr state store of the second tier (empty: Pipeline:StateStoreName). The counter writes it and the processor
    /// reads it under different app ids, and Dapr prefixes keys with the app id by default, so the component must have
    /// <c>keyPrefix: name</c> (or <c>none</c>) for the counter's updates to reach the processors.
    /// </summary>
    public string StateStoreName { get; set; } = Pipeline.PipelineDefaults.EnrichmentStateStoreComponent;

    /// <summary>The state store the lookup and the API use.</summary>
    public string StateStore(string pipelineStateStore) => StateStoreName is { Length: > 0 } name ? name : pipelineStateStore;

    /// <summary>How long a found entry is served from the in-process cache: the staleness bound after a write elsewhere.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long "no metadata for this key" is cached (in process and in the state store): shorter, so a new row shows soon.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan NegativeCacheTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most entries in the in-process cache; beyond it the oldest entries are evicted.</summary>
    [Range(1, 10_000_000)]
    public int CacheMaxEntries { get; set; } = 100_000;

    /// <summary>Most distinct keys one lookup asks the remote sources for; keys beyond it are answered unavailable.</summary>
    [Range(1, 100_000)]
    public int MaxKeysPerLookup { get; set; } = 5_000;

    /// <summary>
    /// Lifetime of an entry the lookup writes into the state store (ttlInSeconds). The API's writes replace or delete the
    /// entry; this bounds how long an entry filled from an older Postgres read can outlive a concurrent write.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan StateStoreEntryTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Longest a bulk get (or fill) of the state store may take before its keys fall through to Postgres.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan StateStoreTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest the Postgres query of one lookup may take before its keys are answered unavailable.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PostgresTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Calls one lookup source (state store, Postgres) serves at once per process; more wait for a slot, within the timeout.</summary>
    [Range(1, 1024)]
    public int MaxConcurrentCalls { get; set; } = 4;

    /// <summary>Share of failed calls within the sampling duration that opens a source's breaker.</summary>
    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Calls a source must have had within the sampling duration before its breaker can open.</summary>
    [Range(2, 10_000)]
    public int BreakerMinimumThroughput { get; set; } = 5;

    /// <summary>The window the failure ratio is measured over.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open breaker refuses calls before one probe call may close it again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (NegativeCacheTtl > CacheTtl)
        {
            yield return new ValidationResult(
                $"NegativeCacheTtl ({NegativeCacheTtl}) must not exceed CacheTtl ({CacheTtl})",
                [nameof(NegativeCacheTtl), nameof(CacheTtl)]);
        }
    }
}
