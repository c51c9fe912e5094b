using LogDapr.ServiceDefaults.Http;
using Microsoft.Extensions.Options;

namespace LogDapr.Ingest.Backpressure;

/// <summary>The replica-wide allowance of body bytes in memory; reservations grow with each body as it is read.</summary>
public sealed class BodyBudget(IOptions<BackpressureOptions> options) : IMemoryBudget
{
    private readonly long capacity = options.Value.MaxInFlightBodyBytes;
    private long used;

    public long Used => Interlocked.Read(ref used);

    public bool TryReserve(long bytes)
    {
        if (Interlocked.Add(ref used, bytes) <= capacity)
        {
            return true;
        }

        Interlocked.Add(ref used, -bytes);
        return false;
    }

    public void Release(long bytes) => Interlocked.Add(ref used, -bytes);
}
