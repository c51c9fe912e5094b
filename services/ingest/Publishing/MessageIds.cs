using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using LogDapr.Contracts.Events;

namespace LogDapr.Ingest.Publishing;

/// <summary>
/// Name-based ids (RFC 9562 version 8: SHA-256 of the name, truncated to 122 bits), so that building a request's
/// messages again — a publish retry inside ingest, or a client's retry after a 503 — gives them the same CloudEvent
/// ids, which the aggregator counts once. Each kind of name starts with its own tag, and every part is length-prefixed,
/// so different inputs never make the same name. Pure.
/// </summary>
public static class MessageIds
{
    private const string KeyedMessageTag = "logdapr/message/idempotency-key/v1";
    private const string EventIdsMessageTag = "logdapr/message/event-ids/v1";
    private const string KeyedEventTag = "logdapr/event/idempotency-key/v1";

    /// <summary>The id of the message holding events [first, first + count) of the request sent with this key.</summary>
    /// <param name="identity">Who sent it (<see cref="LogDapr.ServiceDefaults.Auth.ApiKeyPrincipal.Identity"/>): keys are per caller.</param>
    /// <param name="fingerprint">
    /// The request's fingerprint (<see cref="Idempotency.IdempotencyStore.Fingerprint"/>). A retry has the same one
    /// (another body under the key gets 422); a key reused for another body after its record expired gets other ids,
    /// instead of ids the aggregator would take for duplicates of the first body's messages.
    /// </param>
    public static string ForIdempotencyKey(string identity, string idempotencyKey, string fingerprint, int first, int count)
    {
        using var name = new Name(KeyedMessageTag);
        name.Add(identity).Add(idempotencyKey).Add(fingerprint).Add(first).Add(count);
        return name.ToUuid();
    }

    /// <summary>The id of a message made of these events, from their tenants and ids in order (every event must carry its own id).</summary>
    public static string ForEvents(IReadOnlyList<LogEvent> events, int first, int count)
    {
        using var name = new Name(EventIdsMessageTag);
        name.Add(count);
        for (var i = first; i < first + count; i++)
        {
            name.Add(events[i].TenantId).Add(events[i].Id);
        }

        return name.ToUuid();
    }

    /// <summary>The id given to the event at <paramref name="index"/> of a keyed request when the event has none.</summary>
    public static string ForKeyedEvent(string identity, string idempotencyKey, string fingerprint, int index)
    {
        using var name = new Name(KeyedEventTag);
        name.Add(identity).Add(idempotencyKey).Add(fingerprint).Add(index);
        return name.ToUuid();
    }

    private sealed class Name : IDisposable
    {
        private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public Name(string tag) => Add(tag);

        public Name Add(string part)
        {
            Add(Encoding.UTF8.GetByteCount(part));
            hash.AppendData(Encoding.UTF8.GetBytes(part));
            return this;
        }

        public Name Add(int number)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(bytes, number);
            hash.AppendData(bytes);
            return this;
        }

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
}
