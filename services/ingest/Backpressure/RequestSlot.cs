using System.Threading.RateLimiting;

namespace LogDapr.Ingest.Backpressure;

/// <summary>
/// One request's hold on the replica's limits: first a work slot, then, after <see cref="TryAwaitPublish"/>, a place
/// among the requests awaiting the broker. Used by one request at a time; disposing releases whichever it holds.
/// </summary>
public sealed class RequestSlot(RateLimitLease work, ConcurrencyLimiter awaiting) : IDisposable
{
    private RateLimitLease? held = work;
    private bool awaitingPublish;

    /// <summary>Whether the work slot was free when the request asked.</summary>
    public bool IsAcquired { get; } = work.IsAcquired;

    /// <summary>
    /// Trades the work slot for a place among the requests awaiting the broker. False (the work slot kept) when every
    /// place is taken: the request must then be refused before anything is published.
    /// </summary>
    public bool TryAwaitPublish()
    {
        if (awaitingPublish)
        {
            return true;
        }

        var place = awaiting.AttemptAcquire();
        if (!place.IsAcquired)
        {
            place.Dispose();
            return false;
        }

        held?.Dispose();
        held = place;
        awaitingPublish = true;
        return true;
    }

    public void Dispose()
    {
        held?.Dispose();
        held = null;
    }
}
