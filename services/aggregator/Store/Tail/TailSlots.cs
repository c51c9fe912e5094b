using LogDapr.Configuration.Store;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Store.Tail;

/// <summary>At most Store:Tail:MaxConcurrent tails at once on this replica: each holds a database poller and a buffer.</summary>
public sealed class TailSlots(IOptions<StoreOptions> options) : IDisposable
{
    private readonly SemaphoreSlim slots = new(options.Value.Tail.MaxConcurrent, options.Value.Tail.MaxConcurrent);

    public bool TryEnter() => slots.Wait(0);

    public void Leave() => slots.Release();

    public void Dispose() => slots.Dispose();
}
