using System.Numerics;

namespace LogDapr.ServiceDefaults.Http;

/// <summary>
/// Buffers of 2 MiB to 128 MiB, in powers of two, kept for reuse up to a total: a body reader that doubles its buffer
/// as a 10 MB delivery arrives would otherwise leave 2, 4, 8 and 16 MB arrays on the large object heap for every
/// delivery (the aggregator's whole allocation rate, and a gen2 collection every half second). The shared array pool
/// is no answer: it keeps every array it is given, up to 1 GiB each, for the life of the process. Above the total,
/// and for sizes outside the range, buffers are plain allocations the GC takes back.
/// </summary>
public sealed class LargeBufferPool(long maxRetainedBytes)
{
    public const int SmallestBytes = 1 << SmallestShift;
    public const int LargestBytes = 1 << LargestShift;

    private const int SmallestShift = 21;
    private const int LargestShift = 27;
    private readonly Stack<byte[]>[] buckets = [.. Enumerable.Range(SmallestShift, LargestShift - SmallestShift + 1).Select(_ => new Stack<byte[]>())];
    private readonly Lock gate = new();
    private long retained;

    /// <summary>The bytes held for reuse now.</summary>
    public long RetainedBytes
    {
        get
        {
            lock (gate)
            {
                return retained;
            }
        }
    }

    /// <summary>An array of at least <paramref name="size"/> bytes: a power of two within the pool's range, else exactly the size.</summary>
    public byte[] Rent(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (size > LargestBytes)
        {
            return GC.AllocateUninitializedArray<byte>(size);
        }

        var bucket = BucketOf(size);
        lock (gate)
        {
            if (buckets[bucket].TryPop(out var buffer))
            {
                retained -= buffer.Length;
                return buffer;
            }
        }

        return GC.AllocateUninitializedArray<byte>(SmallestBytes << bucket);
    }

    /// <summary>Keeps the array for reuse when it is one of the pool's sizes and the total allows; otherwise drops it.</summary>
    public void Return(byte[] buffer)
    {
        if (buffer.Length is < SmallestBytes or > LargestBytes || !int.IsPow2(buffer.Length))
        {
            return;
        }

        lock (gate)
        {
            if (retained + buffer.Length <= maxRetainedBytes)
            {
                buckets[BucketOf(buffer.Length)].Push(buffer);
                retained += buffer.Length;
            }
        }
    }

    /// <summary>The bucket of the smallest power of two at least <paramref name="size"/>, at least 2 MiB.</summary>
    private static int BucketOf(int size) => Math.Max(0, BitOperations.Log2((uint)size - 1) + 1 - SmallestShift);
}
