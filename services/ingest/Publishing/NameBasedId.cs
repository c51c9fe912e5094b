using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;

namespace LogDapr.Ingest.Publishing;

/// <summary>
/// A name-based id (RFC 9562 version 8: a hash of the name, truncated to 122 bits), the one construction behind every
/// id ingest derives instead of drawing at random (<see cref="MessageIds"/>, the Elasticsearch, Loki and OTLP event
/// ids): the same name always gives the same id, so a retry is counted once. A name starts with a tag of its own kind
/// and every part is length-prefixed (strings as their UTF-8 byte count, 4 bytes big-endian), so different inputs never
/// make the same name. Always 36 characters, whatever the length of the parts, so it fits every id the contracts allow.
/// </summary>
/// <remarks>
/// The name is written into one pooled buffer and hashed in one call: per-record ids have a dozen short parts.
/// </remarks>
public sealed class NameBasedId : IDisposable
{
    private const int InitialBytes = 512;

    private readonly NameDigest digest;
    private readonly int tagEnd;
    private byte[] name = ArrayPool<byte>.Shared.Rent(InitialBytes);
    private int length;

    public NameBasedId(string tag, NameDigest digest = NameDigest.Sha256)
    {
        this.digest = digest;
        Add(tag);
        tagEnd = length;
    }

    public NameBasedId Add(string part)
    {
        var count = Encoding.UTF8.GetByteCount(part);
        Add(count);
        Encoding.UTF8.GetBytes(part, Reserve(count));
        length += count;
        return this;
    }

    /// <summary>The same part as <see cref="Add(string)"/> of the text these UTF-8 bytes spell.</summary>
    public NameBasedId Add(ReadOnlySpan<byte> utf8)
    {
        Add(utf8.Length);
        utf8.CopyTo(Reserve(utf8.Length));
        length += utf8.Length;
        return this;
    }

    public NameBasedId Add(int number)
    {
        BinaryPrimitives.WriteInt32BigEndian(Reserve(4), number);
        length += 4;
        return this;
    }

    public NameBasedId Add(ulong number)
    {
        BinaryPrimitives.WriteUInt64BigEndian(Reserve(8), number);
        length += 8;
        return this;
    }

    /// <summary>
    /// The id of the name, when it is complete. The instance then starts the next name of the same tag, so one
    /// instance serves every id of a request.
    /// </summary>
    public string ToUuid()
    {
        Span<byte> hash = stackalloc byte[32];
        if (digest == NameDigest.Sha256)
        {
            SHA256.HashData(name.AsSpan(0, length), hash);
        }
        else
        {
            XxHash128.Hash(name.AsSpan(0, length), hash);
        }

        length = tagEnd;
        var uuid = hash[..16];
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x80); // version 8
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80); // variant 10
        return new Guid(uuid, bigEndian: true).ToString();
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(name);
        name = [];
    }

    private Span<byte> Reserve(int count)
    {
        if (name.Length - length < count)
        {
            var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max((long)name.Length * 2, (long)length + count)));
            name.AsSpan(0, length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(name);
            name = larger;
        }

        return name.AsSpan(length, count);
    }
}
