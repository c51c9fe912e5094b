using System.ComponentModel.DataAnnotations;

namespace LogDapr.Configuration.Ingest;

/// <summary>
/// Per-client limit in events (section "Ingest:RateLimit"), enforced across all replicas through Redis, with a
/// per-replica local fallback when Redis is unreachable. Off unless enabled.
/// </summary>
public sealed class RateLimitOptions : IValidatableObject
{
    public const string Section = IngestOptions.Section + ":RateLimit";

    public bool Enabled { get; set; }

    /// <summary>Sustained events per second per client (API key, or remote address when auth is off).</summary>
    [Range(0.001, 100_000_000)]
    public double EventsPerSecond { get; set; } = 1000;

    /// <summary>Events a client may send at once; also the largest single batch it can send.</summary>
    [Range(1, 100_000_000)]
    public int Burst { get; set; } = 10_000;

    /// <summary>StackExchange.Redis configuration string of the shared buckets; <c>ssl=true</c> in it turns TLS on.</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>
    /// PEM bundle of the CAs the Redis server's certificate must chain to, instead of the system store (the host name
    /// is still checked). Needs ssl=true in the connection string. Read at each new connection, so a rotated bundle
    /// applies from the next reconnect.
    /// </summary>
    [StringLength(4096)]
    public string? RedisCaFile { get; set; }

    /// <summary>PEM client certificate (chain) for a Redis with <c>tls-auth-clients yes</c>; needs RedisKeyFile and ssl=true.</summary>
    [StringLength(4096)]
    public string? RedisCertificateFile { get; set; }

    /// <summary>Unencrypted PEM private key of RedisCertificateFile.</summary>
    [StringLength(4096)]
    public string? RedisKeyFile { get; set; }

    /// <summary>Share of a client's limit one replica grants on its own while Redis is unreachable.</summary>
    [Range(0.01, 1.0)]
    public double LocalFallbackShare { get; set; } = 0.5;

    /// <summary>Longest a request waits for Redis before the local fallback decides.</summary>
    [Range(typeof(TimeSpan), "00:00:00.005", "00:00:05")]
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>After a Redis failure, how long to use the local fallback before trying Redis again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan RedisRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && string.IsNullOrWhiteSpace(RedisConnectionString))
        {
            yield return new ValidationResult(
                "Ingest:RateLimit is enabled without Ingest:RateLimit:RedisConnectionString: the limit could not be shared across replicas.",
                [nameof(RedisConnectionString)]);
        }
    }
}
