using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using LogDapr.Configuration.Ingest;

namespace LogDapr.Ingest.Backpressure;

/// <summary>
/// The replica's request slots, with no queue. A request takes one only once its body is read, so clients that send
/// slowly never hold one (their reads are bounded by Ingest:MaxBodyReadTime and the body budget instead); with none
/// free the answer is 503 at once rather than a wait while clients time out anyway.
/// </summary>
public sealed class RequestSlots(IOptions<BackpressureOptions> options) : IDisposable
{
    private readonly ConcurrencyLimiter limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Value.MaxConcurrentRequests,
        QueueLimit = 0,
    });

    /// <summary>A lease to dispose when the request is done; <see cref="RateLimitLease.IsAcquired"/> is false when every slot is taken.</summary>
    public RateLimitLease TryTake() => limiter.AttemptAcquire();

    public void Dispose() => limiter.Dispose();
}
