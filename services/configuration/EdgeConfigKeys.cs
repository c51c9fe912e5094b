using LogDapr.Configuration.Auth;
using LogDapr.Configuration.Ingest;

namespace LogDapr.Configuration;

/// <summary>
/// Configuration keys of the edge protection (API keys, per-client rate limit, idempotency), set by the operator
/// from a LogPipeline's <c>spec.ingest.auth</c> and <c>spec.ingest.rateLimit</c>; built from the options types like
/// <see cref="ConfigKeys"/>. Authentication is on unless <see cref="AuthEnabled"/> is explicitly "false"; the rate
/// limit is off unless enabled.
/// </summary>
public static class EdgeConfigKeys
{
    /// <summary>"false" to run without API keys (local runs only); both services read it (ingest, and the query API).</summary>
    public const string AuthEnabled = AuthOptions.Section + ":" + nameof(AuthOptions.Enabled);

    /// <summary>
    /// Directory holding the API-key Secret, mounted read-only: one file per tenant, named by tenant id,
    /// containing key hashes (never plain keys). A directory rather than env vars so that rotating the Secret
    /// reaches running pods without a restart (the kubelet refreshes the files).
    /// </summary>
    public const string AuthKeysPath = AuthOptions.Section + ":" + nameof(AuthOptions.KeysPath);

    /// <summary>Where the operator mounts the API-key Secret (the value it sets for <see cref="AuthKeysPath"/>).</summary>
    public const string DefaultAuthKeysPath = "/var/run/logdapr/api-keys";

    /// <summary>"true" when the per-client token bucket applies.</summary>
    public const string RateLimitEnabled = RateLimitOptions.Section + ":" + nameof(RateLimitOptions.Enabled);

    /// <summary>Sustained events (not requests) per second per client.</summary>
    public const string RateLimitEventsPerSecond = RateLimitOptions.Section + ":" + nameof(RateLimitOptions.EventsPerSecond);

    /// <summary>Bucket size in events.</summary>
    public const string RateLimitBurst = RateLimitOptions.Section + ":" + nameof(RateLimitOptions.Burst);

    /// <summary>StackExchange.Redis connection string of the shared buckets (from a Secret); absent = local buckets only.</summary>
    public const string RateLimitRedisConnectionString = RateLimitOptions.Section + ":" + nameof(RateLimitOptions.RedisConnectionString);

    /// <summary>
    /// Fraction (0 &lt; share ≤ 1, invariant culture, e.g. "0.5") of a client's limit that one replica grants on
    /// its own while the shared Redis is unreachable or not configured.
    /// </summary>
    public const string RateLimitLocalFallbackShare = RateLimitOptions.Section + ":" + nameof(RateLimitOptions.LocalFallbackShare);

    /// <summary>
    /// How long ingest keeps an idempotency key (TimeSpan, e.g. "1.00:00:00"), sent as ttlInSeconds with each state
    /// write: state.postgresql has no component-level default TTL, so the service must send it.
    /// </summary>
    public const string IdempotencyKeyTtl = IdempotencyOptions.Section + ":" + nameof(IdempotencyOptions.IdempotencyKeyTtl);
}
