using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LogDapr.Ingest.RateLimiting;

/// <summary>Readiness detail: Degraded (still ready) while the limit is enforced per replica instead of through Redis.</summary>
public sealed class RateLimiterHealthCheck(ClientRateLimiter limiter) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(!limiter.Enabled
            ? HealthCheckResult.Healthy("rate limiting off")
            : limiter.Degraded
                ? HealthCheckResult.Degraded($"Redis unavailable, limiting per replica: {limiter.LastRedisError}")
                : HealthCheckResult.Healthy("shared through Redis"));
}
