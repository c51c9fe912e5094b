using System.Text;
using LogDapr.Contracts.Events;
using LogDapr.Contracts.Events.Encoded;
using LogDapr.Ingest.Publishing;
using LogDapr.ServiceDefaults.Publishing;

namespace LogDapr.Ingest.Tests.Publishing;

/// <summary>Message ids are what the aggregator counts once: a pure function of the request's identity, never of the attempt.</summary>
public class MessageIdsTests
{
    private static readonly DateTimeOffset FirstAttempt = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly LogEventReader Reader = new(LogEventLimits.Default);
    private const string Uuid8 = "^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$";

    private const string Body = "fingerprint-of-the-body";

    [Fact]
    public void Keyed_ids_are_a_pure_function_of_identity_key_body_and_position()
    {
        var id = MessageIds.ForIdempotencyKey("acme/ci", "key-1", Body, 0, 500);

        Assert.Matches(Uuid8, id);
        Assert.Equal(id, MessageIds.ForIdempotencyKey("acme/ci", "key-1", Body, 0, 500));
        string[] others =
        [
            MessageIds.ForIdempotencyKey("globex/ci", "key-1", Body, 0, 500),
            MessageIds.ForIdempotencyKey("acme/ci", "key-2", Body, 0, 500),
            // The same key reused for another body (after its record expired) must not look like a duplicate.
            MessageIds.ForIdempotencyKey("acme/ci", "key-1", "another-body", 0, 500),
            MessageIds.ForIdempotencyKey("acme/ci", "key-1", Body, 500, 500),
            MessageIds.ForIdempotencyKey("acme/ci", "key-1", Body, 0, 499),
            // Parts are length-prefixed: moving a character from one part to the next makes another name.
            MessageIds.ForIdempotencyKey("acme/c", "ikey-1", Body, 0, 500),
        ];
        Assert.Equal(others.Length + 1, others.Append(id).Distinct().Count());
        Assert.Matches(Uuid8, MessageIds.ForKeyedEvent("acme/ci", "key-1", Body, 7));
        Assert.Equal(MessageIds.ForKeyedEvent("acme/ci", "key-1", Body, 7), MessageIds.ForKeyedEvent("acme/ci", "key-1", Body, 7));
        Assert.NotEqual(MessageIds.ForKeyedEvent("acme/ci", "key-1", Body, 7), MessageIds.ForKeyedEvent("acme/ci", "key-1", Body, 8));
    }

    [Fact]
    public void Event_id_message_ids_are_a_pure_function_of_the_tenants_and_event_ids()
    {
        var events = Read("""[{"id":"a","tenant_id":"acme","service":"s","severity":"info","message":"m"},{"id":"b","tenant_id":"acme","service":"s","severity":"info","message":"m"}]""");
        var sameIdsOtherText = Read("""[{"id":"a","tenant_id":"acme","service":"x","severity":"error","message":"other"},{"id":"b","tenant_id":"acme","service":"s","severity":"info","message":"m"}]""");
        var otherTenant = Read("""[{"id":"a","tenant_id":"globex","service":"s","severity":"info","message":"m"},{"id":"b","tenant_id":"acme","service":"s","severity":"info","message":"m"}]""");

        var id = MessageIds.ForEvents(events, 0, 2);

        Assert.Matches(Uuid8, id);
        Assert.Equal(id, MessageIds.ForEvents(sameIdsOtherText, 0, 2));
        Assert.NotEqual(id, MessageIds.ForEvents(otherTenant, 0, 2));
        Assert.NotEqual(id, MessageIds.ForEvents(events, 0, 1));
    }

    [Fact]
    public void A_keyed_request_built_again_from_its_first_receive_time_gives_byte_identical_messages()
    {
        const string body = """[{"tenant_id":"acme","service":"api","severity":"info","message":"no id, no timestamp"},{"tenant_id":"acme","service":"api","severity":"warn","message":"m"}]""";

        List<OutgoingCloudEvent> Attempt() => MessageBuilder.Build(
            Reader.Encode(Encoding.UTF8.GetBytes(body), PayloadFormat.Json, FirstAttempt, i => MessageIds.ForKeyedEvent("acme/ci", "key-1", Body, i)).Accepted,
            FirstAttempt, eventsPerMessage: 1, maxMessageBytes: 900 * 1024, trace: null, MessageIdScheme.IdempotencyKey("acme/ci", "key-1", Body));

        var first = Attempt();
        var retry = Attempt();

        Assert.Equal(2, first.Count);
        Assert.Equal(first.Select(m => m.Id), retry.Select(m => m.Id));
        Assert.Equal(first.Select(m => Convert.ToHexString(m.Envelope.Span)), retry.Select(m => Convert.ToHexString(m.Envelope.Span)));
    }

    [Fact]
    public void The_scheme_is_the_key_else_the_event_ids_when_every_event_has_one_else_random()
    {
        var withIds = Read("""[{"id":"a","tenant_id":"acme","service":"s","severity":"info","message":"m"}]""");
        var mixed = Read("""[{"id":"a","tenant_id":"acme","service":"s","severity":"info","message":"m"},{"tenant_id":"acme","service":"s","severity":"info","message":"m"}]""");

        Assert.Equal("idempotency_key", MessageIdScheme.Choose(("acme/ci", "k", Body), mixed).Name);
        Assert.Equal("event_ids", MessageIdScheme.Choose(null, withIds).Name);
        Assert.Equal("random", MessageIdScheme.Choose(null, mixed).Name);
        Assert.NotEqual(MessageIdScheme.Random.IdFor(mixed, 0, 2, FirstAttempt), MessageIdScheme.Random.IdFor(mixed, 0, 2, FirstAttempt));
    }

    private static EncodedEvents Read(string json) => Reader.Encode(Encoding.UTF8.GetBytes(json), PayloadFormat.Json, FirstAttempt).Accepted;
}
