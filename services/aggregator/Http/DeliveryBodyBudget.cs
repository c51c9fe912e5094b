using LogDapr.Aggregator.Configuration;
using LogDapr.ServiceDefaults.Http;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Http;

/// <summary>
/// The replica-wide allowance of delivery and replay body bytes in memory (<c>Aggregator:MaxInFlightDeliveryBytes</c>);
/// each body reserves its buffer as it grows and gives it back when its request ends.
/// </summary>
public sealed class DeliveryBodyBudget(IOptions<AggregatorOptions> options) : IMemoryBudget
{
    private readonly long capacity = options.Value.MaxInFlightDeliveryBytes;
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
