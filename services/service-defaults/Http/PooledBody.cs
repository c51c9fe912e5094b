namespace LogDapr.ServiceDefaults.Http;

/// <summary>
/// A request body in a buffer from <see cref="BodyBuffers"/>, given back (and its bytes to the memory budget) on
/// dispose, so small bodies do not churn the heap and large ones do not outlive their request.
/// </summary>
public sealed class PooledBody : IDisposable
{
    private readonly MemoryBudget? budget;
    private readonly long reserved;
    private byte[]? buffer;

    public PooledBody(byte[] buffer, int length, MemoryBudget? budget = null, long reserved = 0)
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
            BodyBuffers.Return(b);
            budget?.Release(reserved);
        }
    }
}
