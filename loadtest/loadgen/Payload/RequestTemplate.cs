using System.Buffers;
using System.Globalization;

namespace LogDapr.LoadGen.Payload;

/// <summary>
/// A pre-built request body with slots for the timestamps. Sending copies the bytes and stamps the current time,
/// which costs a memcpy instead of JSON serialization, so the generator takes as little CPU from the system under
/// test as possible while every event still carries a current time (and lands in the current minute's bucket).
/// </summary>
public sealed class RequestTemplate(int tenant, byte[] body, int[] timestampOffsets, IReadOnlyList<GeneratedEvent> events)
{
    /// <summary>Length of <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>.</summary>
    public const int TimestampLength = 24;

    public int Tenant { get; } = tenant;
    public int Length => body.Length;
    public IReadOnlyList<GeneratedEvent> Events { get; } = events;
    public int ValidEvents { get; } = events.Count(e => e.Valid);
    public int InvalidEvents => Events.Count - ValidEvents;

    /// <summary>Writes the body, stamped with <paramref name="nowUtc"/>, into <paramref name="destination"/>; returns its length.</summary>
    public int Render(Span<byte> destination, DateTime nowUtc)
    {
        body.CopyTo(destination);
        Span<byte> stamp = stackalloc byte[TimestampLength];
        Format(nowUtc, stamp);
        foreach (var offset in timestampOffsets)
        {
            stamp.CopyTo(destination[offset..]);
        }

        return body.Length;
    }

    /// <summary>The body in a pooled array (return it to <see cref="ArrayPool{T}.Shared"/> after sending).</summary>
    public (byte[] Buffer, int Length) RenderPooled(DateTime nowUtc)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(body.Length);
        return (buffer, Render(buffer, nowUtc));
    }

    public static void Format(DateTime utc, Span<byte> destination)
    {
        if (!utc.TryFormat(destination, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) || written != TimestampLength)
        {
            throw new InvalidOperationException("timestamp formatting produced an unexpected length");
        }
    }
}
