using LogDapr.ServiceDefaults.Http;
using Snappier;

namespace LogDapr.Ingest.Protocols.Loki;

/// <summary>
/// The snappy block format of Loki's protobuf push (not the framed stream format). The block's header declares its
/// uncompressed length; that is checked against Ingest:MaxBodyBytes and reserved from the body memory budget before
/// any buffer is taken, so a few bytes claiming gigabytes cost nothing.
/// </summary>
internal static class LokiSnappy
{
    // The framed format starts with a stream identifier chunk: 0xff, length 6, "sNaPpY".
    private static ReadOnlySpan<byte> FramedMagic => [0xff, 0x06, 0x00, 0x00, (byte)'s', (byte)'N', (byte)'a', (byte)'P', (byte)'p', (byte)'Y'];

    public enum Status
    {
        Ok,
        Invalid,
        TooLarge,
        OverBudget,
    }

    public static Status Decompress(ReadOnlySpan<byte> block, int maxBytes, MemoryBudget? budget, out PooledBody? decompressed, out string? error)
    {
        decompressed = null;
        error = null;
        if (block.StartsWith(FramedMagic))
        {
            error = "the body is framed snappy; Loki's protobuf push is the snappy block format";
            return Status.Invalid;
        }

        int length;
        try
        {
            length = Snappy.GetUncompressedLength(block);
        }
        catch (InvalidDataException)
        {
            error = NotSnappy("its length header is not valid");
            return Status.Invalid;
        }

        if (length > maxBytes || length < 0)
        {
            error = $"the push is {length} bytes once decompressed; the limit is {maxBytes} bytes (Ingest:MaxBodyBytes)";
            return Status.TooLarge;
        }

        if (budget is not null && !budget.TryReserve(length))
        {
            return Status.OverBudget;
        }

        // The body reader's buffers (PooledBody gives it back); one may be larger than asked, and all of it is reserved.
        var buffer = BodyBuffers.Rent(Math.Max(length, 1));
        long reserved = length;
        if (budget is not null && !budget.TryReserve(buffer.Length - reserved))
        {
            BodyBuffers.Return(buffer);
            budget.Release(reserved);
            return Status.OverBudget;
        }

        reserved = buffer.Length;
        try
        {
            if (!Snappy.TryDecompress(block, buffer, out var written) || written != length)
            {
                error = NotSnappy("its data does not match its length header");
                return Status.Invalid;
            }

            decompressed = new PooledBody(buffer, written, budget, reserved);
            buffer = null;
            return Status.Ok;
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException or IndexOutOfRangeException)
        {
            error = NotSnappy(ex.Message);
            return Status.Invalid;
        }
        finally
        {
            if (buffer is not null)
            {
                BodyBuffers.Return(buffer);
                budget?.Release(reserved);
            }
        }
    }

    private static string NotSnappy(string why)
        => $"the body is not a snappy block ({why}): Loki's protobuf push (application/x-protobuf) must be snappy-compressed";
}
