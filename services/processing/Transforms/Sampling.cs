using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace LogDapr.Processing.Transforms;

/// <summary>
/// Deterministic sampling: an event is kept when XxHash64 (seed 0) of its id's UTF-8 bytes, modulo 1,000,000, is
/// below rate × 1,000,000. The decision depends on the id alone, so a redelivered event is decided the same way
/// everywhere, and two sample transforms with the same rate keep the same events.
/// </summary>
public static class Sampling
{
    public const ulong Buckets = 1_000_000;

    private const int StackLimit = 512;

    /// <summary>The bucket bound for a rate in [0, 1] (rounded to the nearest millionth).</summary>
    public static ulong Threshold(double rate) => (ulong)Math.Round(Math.Clamp(rate, 0, 1) * Buckets, MidpointRounding.AwayFromZero);

    public static bool Keep(string id, double rate) => Keep(id, Threshold(rate));

    internal static bool Keep(string id, ulong threshold)
    {
        if (threshold >= Buckets)
        {
            return true;
        }
        if (threshold == 0)
        {
            return false;
        }
        return Bucket(id) < threshold;
    }

    /// <summary>The id's bucket in [0, 1,000,000).</summary>
    public static ulong Bucket(string id)
    {
        int max = Encoding.UTF8.GetMaxByteCount(id.Length);
        byte[]? rented = null;
        Span<byte> buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            int length = Encoding.UTF8.GetBytes(id, buffer);
            return XxHash64.HashToUInt64(buffer[..length]) % Buckets;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
