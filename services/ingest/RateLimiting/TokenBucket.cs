namespace LogDapr.Ingest.RateLimiting;

/// <summary>
/// Token-bucket arithmetic, shared by the local fallback and mirrored by the Redis script: a bucket of
/// <c>burst</c> tokens refilled at <c>rate</c> per second; a request takes as many tokens as it has events. Pure.
/// </summary>
public static class TokenBucket
{
    /// <param name="tokens">Tokens after the last update.</param>
    /// <param name="elapsed">Time since the last update.</param>
    public static (bool Allowed, double Tokens, TimeSpan RetryAfter) Take(double tokens, TimeSpan elapsed, double rate, int burst, int cost)
    {
        var available = Math.Min(burst, tokens + (Math.Max(0, elapsed.TotalSeconds) * rate));
        if (available >= cost)
        {
            return (true, available - cost, TimeSpan.Zero);
        }

        var wait = cost > burst ? TimeSpan.MaxValue : TimeSpan.FromSeconds((cost - available) / rate);
        return (false, available, wait);
    }

    /// <summary>How long until a bucket holding <paramref name="tokens"/> is full again.</summary>
    public static TimeSpan ResetAfter(double tokens, double rate, int burst) => TimeSpan.FromSeconds(Math.Max(0, burst - tokens) / rate);
}
