using LogDapr.Contracts.Events;
using LogDapr.Contracts.Events.Encoded;

namespace LogDapr.Ingest.Publishing;

/// <summary>
/// How a request's messages get their CloudEvent ids, which decides what a client's retry after a 503 does:
/// with an Idempotency-Key or an id on every event the retry publishes the same ids (counted once); otherwise each
/// attempt gets new random ids (at least once). A publish retry inside ingest reuses the ids in every case.
/// </summary>
public abstract class MessageIdScheme
{
    /// <summary>A random UUIDv7 per message (time-ordered by the receive time): a client's retry is counted again.</summary>
    public static MessageIdScheme Random { get; } = new RandomIds();

    /// <summary>From the tenants and ids of the message's events.</summary>
    public static MessageIdScheme EventIds { get; } = new FromEventIds();

    /// <summary>Name for logs and traces: idempotency_key, event_ids or random.</summary>
    public abstract string Name { get; }

    /// <param name="fingerprint">The request's fingerprint; see <see cref="MessageIds.ForIdempotencyKey"/>.</param>
    public static MessageIdScheme IdempotencyKey(string identity, string idempotencyKey, string fingerprint) => new Keyed(identity, idempotencyKey, fingerprint);

    /// <summary>The key when there is one, else the event ids when every event sent its own, else random.</summary>
    /// <param name="keyed">The caller's identity, the request's Idempotency-Key and its fingerprint, when it has a key.</param>
    public static MessageIdScheme Choose((string Identity, string Key, string Fingerprint)? keyed, EncodedEvents events)
    {
        if (keyed is { } k)
        {
            return IdempotencyKey(k.Identity, k.Key, k.Fingerprint);
        }

        for (var i = 0; i < events.Count; i++)
        {
            if (events.IdGenerated(i))
            {
                return Random;
            }
        }

        return EventIds;
    }

    public abstract string IdFor(EncodedEvents events, int first, int count, DateTimeOffset receivedAt);

    private sealed class RandomIds : MessageIdScheme
    {
        public override string Name => "random";

        public override string IdFor(EncodedEvents events, int first, int count, DateTimeOffset receivedAt)
            => Uuid7.New(receivedAt).ToString();
    }

    private sealed class FromEventIds : MessageIdScheme
    {
        public override string Name => "event_ids";

        public override string IdFor(EncodedEvents events, int first, int count, DateTimeOffset receivedAt)
            => MessageIds.ForEvents(events, first, count);
    }

    private sealed class Keyed(string identity, string idempotencyKey, string fingerprint) : MessageIdScheme
    {
        public override string Name => "idempotency_key";

        public override string IdFor(EncodedEvents events, int first, int count, DateTimeOffset receivedAt)
            => MessageIds.ForIdempotencyKey(identity, idempotencyKey, fingerprint, first, count);
    }
}
