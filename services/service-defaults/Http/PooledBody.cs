using System.Buffers;

namespace LogDapr.ServiceDefaults.Http;

/// <summary>
/// A request body held in a pooled array, returned to the pool (and its bytes to the memory budget) on dispose,
/// so large batches neither churn the large-object heap nor outlive their request.
/// </summary>
public sealed class PooledBody : IDisposable
{
    private readonly IMemoryBudget? budget;
    private readonly long reserved;
    private byte[]? buffer;

    public PooledBody(byte[] buffer, int length, IMemoryBudget? budget = null, long reserved = 0)
    {
        this.buffer = buffer;
        this.budget = budget;
        this.reserved = reserved;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => Memory.Span;

    /// <summary>Valid until dispose; callers must not keep it beyond the request.</summary>
    public ReadOnlyMemory<byte> Memory => (buffer ?? throw new ObjectDisposedException(nameof(PooledBody))).AsMemory(0, Length);

    public void Dispose()
    {
        var b = Interlocked.Exchange(ref buffer, null);
        if (b is not null)
        {
            ArrayPool<byte>.Shared.Return(b);
            budget?.Release(reserved);
        }
    }
}
