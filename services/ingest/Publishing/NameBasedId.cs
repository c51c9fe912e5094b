using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace LogDapr.Ingest.Publishing;

/// <summary>
/// A name-based id (RFC 9562 version 8: SHA-256 of the name, truncated to 122 bits), the one construction behind every
/// id ingest derives instead of drawing at random (<see cref="MessageIds"/>, the Elasticsearch and Loki event ids): the
/// same name always gives the same id, so a retry is counted once. A name starts with a tag of its own kind and every
/// part is length-prefixed (strings as their UTF-8 byte count, 4 bytes big-endian), so different inputs never make the
/// same name. Always 36 characters, whatever the length of the parts, so it fits every id the contracts allow.
/// </summary>
public sealed class NameBasedId : IDisposable
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public NameBasedId(string tag) => Add(tag);

    public NameBasedId Add(string part) => Add(Encoding.UTF8.GetBytes(part));

    /// <summary>The same part as <see cref="Add(string)"/> of the text these UTF-8 bytes spell.</summary>
    public NameBasedId Add(ReadOnlySpan<byte> utf8)
    {
        Add(utf8.Length);
        hash.AppendData(utf8);
        return this;
    }

    public NameBasedId Add(int number)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, number);
        hash.AppendData(bytes);
        return this;
    }

    /// <summary>The id of the name; call it once, when the name is complete.</summary>
    public string ToUuid()
    {
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        var uuid = digest[..16];
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x80); // version 8
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80); // variant 10
        return new Guid(uuid, bigEndian: true).ToString();
    }

    public void Dispose() => hash.Dispose();
}
