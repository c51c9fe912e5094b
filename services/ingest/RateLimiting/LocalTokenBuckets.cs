using System.Collections.Concurrent;

namespace LogDapr.Ingest.RateLimiting;

/// <summary>
/// Per-replica buckets used while Redis is unreachable, each granting a share of the client's global limit so
/// that all replicas together stay near it. Idle buckets are evicted to keep memory bounded.
/// </summary>
public sealed class LocalTokenBuckets(TimeProvider time)
{
    private const int MaxClients = 100_000;
    private readonly ConcurrentDictionary<string, Bucket> buckets = new(StringComparer.Ordinal);

    public RateLimitDecision Take(string client, int cost, double rate, int burst)
    {
        var now = time.GetTimestamp();
        if (buckets.Count > MaxClients)
        {
            buckets.Clear();
        }

        var bucket = buckets.GetOrAdd(client, _ => new Bucket(burst, now));
        lock (bucket)
        {
            var (allowed, tokens, retryAfter) = TokenBucket.Take(bucket.Tokens, time.GetElapsedTime(bucket.Updated, now), rate, burst, cost);
            bucket.Tokens = tokens;
            bucket.Updated = now;
            return new RateLimitDecision(allowed, burst, tokens, retryAfter, TokenBucket.ResetAfter(tokens, rate, burst), Degraded: true);
        }
    }

    private sealed class Bucket(double tokens, long updated)
    {
        public double Tokens { get; set; } = tokens;
        public long Updated { get; set; } = updated;
    }
}
