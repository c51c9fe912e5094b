using System.Buffers;

namespace LogDapr.ServiceDefaults.Http;

/// <summary>
/// Where body buffers come from: up to 1 MiB from the shared array pool; larger ones from a pool that keeps at most
/// <see cref="MaxRetainedLargeBytes"/> between requests (the shared pool would keep every returned array, up to
/// 1 GiB each, for the life of the process, so one hundreds-of-MB body would stay resident after its request ended).
/// An array may be larger than asked for: reserve its length, not the size asked, against a memory budget.
/// </summary>
public static class BodyBuffers
{
    /// <summary>The largest buffer that goes back to the shared pool.</summary>
    public const int MaxPooledBytes = 1024 * 1024;

    /// <summary>The most bytes of large buffers kept for reuse while no request holds them.</summary>
    public const long MaxRetainedLargeBytes = 32L * 1024 * 1024;

    internal static LargeBufferPool Large { get; } = new(MaxRetainedLargeBytes);

    public static byte[] Rent(int size)
        => size <= MaxPooledBytes ? ArrayPool<byte>.Shared.Rent(size) : Large.Rent(size);

    public static void Return(byte[] buffer)
    {
        if (buffer.Length is > 0 and <= MaxPooledBytes)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        else
        {
            Large.Return(buffer);
        }
    }
}
