using System.Buffers;

namespace LogDapr.ServiceDefaults.Http;

/// <summary>A request body held in a pooled array, returned to the pool on dispose so large batches do not churn the LOH.</summary>
public sealed class PooledBody : IDisposable
{
    private byte[]? buffer;

    public PooledBody(byte[] buffer, int length)
    {
        this.buffer = buffer;
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
        }
    }
}
