using System.Security.Cryptography;
using System.Text;

namespace LogDapr.Ingest.Protocols.Elasticsearch;

/// <summary>
/// The event id of a document sent with an <c>_id</c>: a name-based UUID (RFC 9562 version 8, SHA-256 of a tag, the
/// index and the <c>_id</c>, each length-prefixed). Deterministic, so a shipper's retry of the same bulk carries the
/// same ids and is counted once; the index is part of it because Elasticsearch ids are unique per index; always 36
/// characters, whatever the length of the <c>_id</c> (Elasticsearch allows 512 bytes, an event id 128 characters). Pure.
/// </summary>
public static class DocumentIds
{
    private const string Tag = "logdapr/event/elasticsearch/v1";

    public static string For(string index, string id)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var part in (ReadOnlySpan<string>)[Tag, index, id])
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        var uuid = digest[..16];
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x80); // version 8
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80); // variant 10
        return new Guid(uuid, bigEndian: true).ToString();
    }
}
