using System.IO.Compression;
using Microsoft.AspNetCore.Http;

namespace LogDapr.ServiceDefaults.Http;

public enum BodyReadStatus
{
    Ok,
    TooLarge,
    UnsupportedEncoding,
    CorruptEncoding,
    /// <summary>The replica's memory budget for bodies is used up: the request should be retried later.</summary>
    OverBudget,
}

public readonly record struct BodyReadResult(BodyReadStatus Status, PooledBody? Body, string? Encoding = null);

/// <summary>
/// Reads a request body into memory with a hard cap applied to the decompressed size, so neither a large
/// body nor a small gzip bomb can make a replica allocate more than the configured limit. With a budget, every
/// buffer is reserved from it first, so all bodies together stay within the replica's allowance.
/// </summary>
public static class RequestBodyReader
{
    private const int InitialBufferBytes = 16 * 1024;
    // A body's first buffer (the pool rounds up to a power of two, and one byte more detects an overflow): small, so that
    // thousands of slow clients hold little of the budget before their bytes arrive.
    private const int MaxUpfrontBytes = (8 * 1024) - 1;

    public static async Task<BodyReadResult> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken, MemoryBudget? budget = null)
    {
        var encoding = request.Headers.ContentEncoding.ToString();
        // Through the body's PipeReader, so a cancelled read (a time limit, say) leaves the server able to drain the rest.
        var body = new PipeBodyStream(request.BodyReader);
        Stream source;
        if (string.IsNullOrEmpty(encoding) || encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            if (request.ContentLength > maxBytes)
            {
                return new(BodyReadStatus.TooLarge, null);
            }

            source = body;
        }
        else if (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
        {
            source = new GZipStream(body, CompressionMode.Decompress, leaveOpen: true);
        }
        else
        {
            return new(BodyReadStatus.UnsupportedEncoding, null, encoding);
        }

        // A declared length is a promise, not bytes: memory is reserved as the body arrives (at most twice what has
        // arrived), so clients that announce large bodies and send slowly cannot use up the budget of fast ones.
        var declared = request.ContentLength is > 0 and var length && length <= maxBytes && source == body ? (int)length : (int?)null;
        var ceiling = declared ?? maxBytes;
        var initial = Math.Min(declared ?? InitialBufferBytes, MaxUpfrontBytes);
        var buffers = new BufferLease(budget);
        try
        {
            if (!buffers.Grow(Math.Max(initial + 1, 256), 0))
            {
                return new(BodyReadStatus.OverBudget, null);
            }

            var filled = 0;
            while (true)
            {
                if (filled == buffers.Buffer.Length)
                {
                    if (filled > maxBytes)
                    {
                        return new(BodyReadStatus.TooLarge, null);
                    }

                    if (!buffers.Grow((int)Math.Min(buffers.Buffer.Length * 2L, ceiling + 1L), filled))
                    {
                        return new(BodyReadStatus.OverBudget, null);
                    }
                }

                var read = await source.ReadAsync(buffers.Buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
                if (filled > maxBytes)
                {
                    return new(BodyReadStatus.TooLarge, null);
                }
            }

            return new(BodyReadStatus.Ok, buffers.Detach(filled));
        }
        catch (InvalidDataException)
        {
            return new(BodyReadStatus.CorruptEncoding, null, encoding);
        }
        finally
        {
            buffers.Dispose();
            if (source != body)
            {
                await source.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The growing buffer of one read and the budget it holds; returned on every path except a successful detach.</summary>
    private sealed class BufferLease(MemoryBudget? budget) : IDisposable
    {
        private long reserved;

        public byte[] Buffer { get; private set; } = [];

        public bool Grow(int size, int keep)
        {
            var larger = BodyBuffers.Rent(size);
            var extra = larger.Length - Buffer.Length;
            if (budget is not null && !budget.TryReserve(extra))
            {
                BodyBuffers.Return(larger);
                return false;
            }

            reserved += extra;
            Buffer.AsSpan(0, keep).CopyTo(larger);
            BodyBuffers.Return(Buffer);
            Buffer = larger;
            return true;
        }

        public PooledBody Detach(int length)
        {
            var body = new PooledBody(Buffer, length, budget, reserved);
            Buffer = [];
            reserved = 0;
            return body;
        }

        public void Dispose()
        {
            BodyBuffers.Return(Buffer);
            Buffer = [];

            budget?.Release(reserved);
            reserved = 0;
        }
    }
}
