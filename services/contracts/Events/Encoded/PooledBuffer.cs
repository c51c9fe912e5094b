using System.Buffers;

namespace LogDapr.Contracts.Events.Encoded;

/// <summary>
/// A growable byte buffer rented from <see cref="ArrayPool{T}.Shared"/>: the bytes of one read's events (and the
/// values of the event being read), kept without an allocation per event. Not thread-safe; give it back with
/// <see cref="Dispose"/>, after which no span it handed out may be used.
/// </summary>
internal sealed class PooledBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[] array;

    public PooledBuffer(int initialBytes) => array = ArrayPool<byte>.Shared.Rent(Math.Max(initialBytes, 64));

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Slice(int start, int length) => array.AsSpan(start, length);

    /// <summary>Forgets every byte from <paramref name="length"/> on.</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Length);
        Length = length;
    }

    /// <summary>Appends <paramref name="bytes"/>; returns where they start.</summary>
    public int Add(ReadOnlySpan<byte> bytes)
    {
        var start = Length;
        bytes.CopyTo(GetSpan(bytes.Length));
        Length += bytes.Length;
        return start;
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, array.Length - Length);
        Length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return array.AsMemory(Length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return array.AsSpan(Length);
    }

    public void Dispose()
    {
        var rented = array;
        array = [];
        Length = 0;
        if (rented.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void Ensure(int sizeHint)
    {
        var needed = Length + Math.Max(sizeHint, 1);
        if (needed <= array.Length)
        {
            return;
        }

        ObjectDisposedException.ThrowIf(array.Length == 0, this);
        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, array.Length * 2));
        array.AsSpan(0, Length).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(array);
        array = grown;
    }
}
