namespace LogDapr.Ingest.RateLimiting;

/// <summary>
/// The outcome for one request: whether its events fit, what is left, and when enough tokens will be there.
/// <see cref="Degraded"/> means the local fallback decided because Redis was unreachable.
/// </summary>
public readonly record struct RateLimitDecision(bool Allowed, int Limit, double Remaining, TimeSpan RetryAfter, TimeSpan ResetAfter, bool Degraded)
{
    public static RateLimitDecision Unlimited { get; } = new(true, 0, 0, TimeSpan.Zero, TimeSpan.Zero, false);
}
