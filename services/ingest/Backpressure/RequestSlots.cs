using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using LogDapr.Configuration.Ingest;

namespace LogDapr.Ingest.Backpressure;

/// <summary>
/// The replica's request slots, with no queue, in two stages. A request takes a work slot
/// (Ingest:MaxConcurrentRequests) once its body is read, so clients that send slowly never hold one (their reads are
/// bounded by Ingest:MaxBodyReadTime and the body budget instead). When its events go to the publisher it trades the
/// work slot for a place among the requests awaiting the broker (Ingest:MaxAwaitingPublish): a broker round trip
/// holds no CPU, so single-event senders are not turned away just because each waits for one. With no slot or place
/// free the answer is 503 at once rather than a wait while clients time out anyway.
/// </summary>
public sealed class RequestSlots(IOptions<BackpressureOptions> options) : IDisposable
{
    private readonly ConcurrencyLimiter work = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Value.MaxConcurrentRequests,
        QueueLimit = 0,
    });

    private readonly ConcurrencyLimiter awaiting = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Value.MaxAwaitingPublish,
        QueueLimit = 0,
    });

    /// <summary>A work slot to dispose when the request is done; <see cref="RequestSlot.IsAcquired"/> is false when every slot is taken.</summary>
    public RequestSlot TryTake() => new(work.AttemptAcquire(), awaiting);

    public void Dispose()
    {
        work.Dispose();
        awaiting.Dispose();
    }
}
