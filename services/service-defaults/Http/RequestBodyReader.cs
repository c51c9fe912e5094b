using System.Buffers;
using System.IO.Compression;

using Microsoft.AspNetCore.Http;

namespace LogDapr.ServiceDefaults.Http;

public enum BodyReadStatus
{
    Ok,
    TooLarge,
    UnsupportedEncoding,
    CorruptEncoding,
}

public readonly record struct BodyReadResult(BodyReadStatus Status, PooledBody? Body, string? Encoding = null);

/// <summary>
/// Reads a request body into pooled memory with a hard cap applied to the decompressed size, so neither a large
/// body nor a small gzip bomb can make a replica allocate more than the configured limit.
/// </summary>
public static class RequestBodyReader
{
    private const int InitialBufferBytes = 16 * 1024;

    public static async Task<BodyReadResult> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        var encoding = request.Headers.ContentEncoding.ToString();
        Stream source;
        if (string.IsNullOrEmpty(encoding) || encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            if (request.ContentLength > maxBytes)
            {
                return new(BodyReadStatus.TooLarge, null);
            }

            source = request.Body;
        }
        else if (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
        {
            source = new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true);
        }
        else
        {
            return new(BodyReadStatus.UnsupportedEncoding, null, encoding);
        }

        var initial = request.ContentLength is > 0 and var length && length <= maxBytes && source == request.Body
            ? (int)length
            : InitialBufferBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initial + 1, 256));
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (filled > maxBytes)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        return new(BodyReadStatus.TooLarge, null);
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await source.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
                if (filled > maxBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return new(BodyReadStatus.TooLarge, null);
                }
            }

            return new(BodyReadStatus.Ok, new PooledBody(buffer, filled));
        }
        catch (InvalidDataException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return new(BodyReadStatus.CorruptEncoding, null, encoding);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        finally
        {
            if (source != request.Body)
            {
                await source.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
