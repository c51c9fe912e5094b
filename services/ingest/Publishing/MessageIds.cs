using LogDapr.Contracts.Events.Encoded;

namespace LogDapr.Ingest.Publishing;

/// <summary>
/// Name-based ids (<see cref="NameBasedId"/>), so that building a request's
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
        using var name = new NameBasedId(KeyedMessageTag);
        name.Add(identity).Add(idempotencyKey).Add(fingerprint).Add(first).Add(count);
        return name.ToUuid();
    }

    /// <summary>The id of a message made of these events, from their tenants and ids in order (every event must carry its own id).</summary>
    public static string ForEvents(EncodedEvents events, int first, int count)
    {
        using var name = new NameBasedId(EventIdsMessageTag);
        name.Add(count);
        for (var i = first; i < first + count; i++)
        {
            name.Add(events.TenantId(i)).Add(events.Id(i));
        }

        return name.ToUuid();
    }

    /// <summary>The id given to the event at <paramref name="index"/> of a keyed request when the event has none.</summary>
    public static string ForKeyedEvent(string identity, string idempotencyKey, string fingerprint, int index)
    {
        using var name = new NameBasedId(KeyedEventTag);
        name.Add(identity).Add(idempotencyKey).Add(fingerprint).Add(index);
        return name.ToUuid();
    }
}
