namespace LogDapr.DevSidecar.Resiliency;

/// <summary>
/// A Dapr retry policy. <see cref="MaxRetries"/> counts retries after the first attempt (-1 = unbounded), as in Dapr;
/// exponential back-off uses dapr/kit's defaults (initial 500ms, multiplier 1.5, randomization 0.5, max 60s)
/// for the fields a resource leaves out.
/// </summary>
public sealed record RetryPolicy(
    string Name,
    bool Exponential,
    TimeSpan Duration,
    TimeSpan InitialInterval,
    TimeSpan MaxInterval,
    double Multiplier,
    double RandomizationFactor,
    int MaxRetries)
{
    public static RetryPolicy Constant(string name, TimeSpan duration, int maxRetries) =>
        new(name, false, duration, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(60), 1.5, 0.5, maxRetries);

    /// <summary>
    /// Used for pub/sub deliveries when no Resiliency resource (target or default policy) applies: one attempt and
    /// no retry, as daprd v1.16 runs a policy without a retry (pkg/resiliency/resiliency.go ComponentInboundPolicy).
    /// </summary>
    public static RetryPolicy DefaultInbound { get; } = Constant("(none: daprd makes one attempt)", TimeSpan.Zero, 0);

    /// <summary>True when another attempt is allowed after <paramref name="failedAttempts"/> failed attempts.</summary>
    public bool AllowsRetry(int failedAttempts) => MaxRetries < 0 || failedAttempts <= MaxRetries;

    /// <summary>Delay before retry number <paramref name="retry"/> (1-based).</summary>
    public TimeSpan DelayBefore(int retry)
    {
        if (!Exponential)
        {
            return Duration;
        }

        var interval = InitialInterval.TotalMilliseconds * Math.Pow(Multiplier, Math.Max(0, retry - 1));
        interval = Math.Min(interval, MaxInterval.TotalMilliseconds);
        if (RandomizationFactor > 0)
        {
            var delta = RandomizationFactor * interval;
            interval = interval - delta + Random.Shared.NextDouble() * 2 * delta;
        }

        return TimeSpan.FromMilliseconds(Math.Max(0, interval));
    }
}
