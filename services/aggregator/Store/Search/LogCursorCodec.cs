using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace LogDapr.Aggregator.Store.Search;

/// <summary>
/// Cursors as opaque text: base64url of (version, tenant, timestamp, event id, window, SHA-256 of the normalized
/// query) followed by an HMAC-SHA256 of those bytes under Store:CursorKey. Without the key a cursor cannot be made or
/// changed; its tenant and query hash tie it to the request it was issued for. Pure apart from the key.
/// </summary>
public sealed class LogCursorCodec(CursorKey key)
{
    /// <summary>Longest cursor accepted: the longest tenant and event id (1024 characters each, 4 bytes a character) fit.</summary>
    public const int MaxLength = 12_000;

    private const byte Version = 1;
    private const int MacBytes = 32;
    private const int HashBytes = 32;

    public static byte[] QueryHash(string normalizedQuery) => SHA256.HashData(Encoding.UTF8.GetBytes(normalizedQuery));

    public string Encode(LogCursor cursor)
    {
        var tenant = Encoding.UTF8.GetBytes(cursor.Tenant);
        var id = Encoding.UTF8.GetBytes(cursor.EventId);
        var payload = new byte[1 + (3 * 8) + HashBytes + 4 + tenant.Length + 4 + id.Length];
        var span = payload.AsSpan();
        span[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(span[1..], cursor.Timestamp.UtcTicks);
        BinaryPrimitives.WriteInt64BigEndian(span[9..], cursor.From.UtcTicks);
        BinaryPrimitives.WriteInt64BigEndian(span[17..], cursor.To.UtcTicks);
        cursor.QueryHash.CopyTo(span[25..]);
        var at = 25 + HashBytes;
        BinaryPrimitives.WriteInt32BigEndian(span[at..], tenant.Length);
        tenant.CopyTo(span[(at + 4)..]);
        at += 4 + tenant.Length;
        BinaryPrimitives.WriteInt32BigEndian(span[at..], id.Length);
        id.CopyTo(span[(at + 4)..]);

        var signed = new byte[payload.Length + MacBytes];
        payload.CopyTo(signed, 0);
        HMACSHA256.HashData(key.Bytes, payload, signed.AsSpan(payload.Length));
        return Base64Url.EncodeToString(signed);
    }

    /// <summary>The cursor, or null when the text was not issued under this key (malformed, truncated or changed).</summary>
    public LogCursor? Decode(string text)
    {
        if (text.Length > MaxLength)
        {
            return null;
        }

        byte[] signed;
        try
        {
            signed = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return null;
        }

        if (signed.Length < 1 + (3 * 8) + HashBytes + 8 + MacBytes)
        {
            return null;
        }

        var payload = signed.AsSpan(0, signed.Length - MacBytes);
        Span<byte> expected = stackalloc byte[MacBytes];
        HMACSHA256.HashData(key.Bytes, payload, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, signed.AsSpan(payload.Length)) || payload[0] != Version)
        {
            return null;
        }

        // Signed by this installation, so well-formed; still read defensively rather than trust lengths blindly.
        try
        {
            var ts = BinaryPrimitives.ReadInt64BigEndian(payload[1..]);
            var from = BinaryPrimitives.ReadInt64BigEndian(payload[9..]);
            var to = BinaryPrimitives.ReadInt64BigEndian(payload[17..]);
            var hash = payload.Slice(25, HashBytes).ToArray();
            var at = 25 + HashBytes;
            var tenantLength = BinaryPrimitives.ReadInt32BigEndian(payload[at..]);
            var tenant = Encoding.UTF8.GetString(payload.Slice(at + 4, tenantLength));
            at += 4 + tenantLength;
            var idLength = BinaryPrimitives.ReadInt32BigEndian(payload[at..]);
            var id = Encoding.UTF8.GetString(payload.Slice(at + 4, idLength));
            return new LogCursor(tenant, new DateTimeOffset(ts, TimeSpan.Zero), id, new DateTimeOffset(from, TimeSpan.Zero), new DateTimeOffset(to, TimeSpan.Zero), hash);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
