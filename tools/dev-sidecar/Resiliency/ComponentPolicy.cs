using LogDapr.DevSidecar.Go;

namespace LogDapr.DevSidecar.Resiliency;

/// <summary>The resiliency that applies to one direction (inbound/outbound) of one component.</summary>
public sealed record ComponentPolicy(TimeSpan? Timeout, RetryPolicy? Retry, CircuitBreaker? Breaker)
{
    public static ComponentPolicy None { get; } = new(null, null, null);

    public string Describe() =>
        $"timeout={(Timeout is { } t ? GoDuration.Format(t) : "none")} retry={Retry?.Name ?? "none"} circuitBreaker={Breaker?.Name ?? "none"}";
}
