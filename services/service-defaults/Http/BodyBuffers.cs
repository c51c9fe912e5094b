using System.Buffers;

namespace LogDapr.ServiceDefaults.Http;

/// <summary>
/// Where body buffers come from. Small ones are pooled; large ones are plain allocations the GC takes back,
/// because the shared pool keeps every returned array (up to 1 GiB each) for the life of the process: one
/// hundreds-of-MB body would otherwise stay resident after its request ended.
/// </summary>
internal static class BodyBuffers
{
    /// <summary>The largest buffer that goes back to the pool.</summary>
    public const int MaxPooledBytes = 1024 * 1024;

    public static byte[] Rent(int size)
        => size <= MaxPooledBytes ? ArrayPool<byte>.Shared.Rent(size) : GC.AllocateUninitializedArray<byte>(size);

    public static void Return(byte[] buffer)
    {
        if (buffer.Length is > 0 and <= MaxPooledBytes)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
