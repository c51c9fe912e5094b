using System.Text;
using System.Text.Json;
using LogDapr.Aggregator.Counting;
using LogDapr.Aggregator.Decoding;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Tests.Decoding;

/// <summary>
/// The counter role's decoder (counting reader) against the full one on the same deliveries: the same messages are
/// poison with the same reasons, ids and tenants, and the valid ones give the same counts. The reader-level
/// equivalence is a property (CountingReaderPropertyTests); this covers what the decoder adds around it.
/// </summary>
public class CountingDecoderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly DeliveryDecoder full = new(new LogEventReader(LogEventLimits.Widest));
    private readonly DeliveryDecoder counting = new(new LogEventReader(LogEventLimits.Widest), new LogEventCountingReader(LogEventLimits.Widest));

    private static string CloudEvent(string id, string data)
        => $$"""{"specversion":"1.0","id":{{JsonSerializer.Serialize(id)}},"source":"s","type":"io.logdapr.logbatch.v1","time":"2026-11-22T11:59:30Z","datacontenttype":"application/json","data":{{data}}}""";

    private static string Event(string service = "api", string extra = "")
        => $$"""{"tenant_id":"acme","service":{{JsonSerializer.Serialize(service)}},"severity":"error","message":"x","timestamp":"2026-11-22T11:58:10Z"{{extra}}}""";

    public static TheoryData<string, string> Deliveries => new()
    {
        { "valid", CloudEvent("m-1", "{\"events\":[" + Event() + "," + Event("web") + "]}") },
        { "an invalid event", CloudEvent("m-2", "[" + Event() + ",{\"tenant_id\":\"acme\",\"severity\":\"loud\"}]") },
        { "an over-long attribute value", CloudEvent("m-3", Event(extra: ",\"attributes\":{\"k\":\"" + new string('v', 1_048_577) + "\"}")) },
        { "a bad trace id and an escaped NUL in the message", CloudEvent("m-4", Event(extra: ",\"trace_id\":\"xyz\",\"msg\":\"a\\u0000\"")) },
        { "data that is not LogEvent v1", CloudEvent("m-5", "[]") },
        // 400 code points are within the reader's service limit but 1,200 bytes, more than a count row can key.
        { "a service Postgres cannot key", CloudEvent("m-6", Event(new string('€', 400))) },
        { "an id that cannot be stored", CloudEvent(new string('i', 600), Event()) },
        { "not JSON", "{\"specversion\":" },
        {
            "a bulk delivery with a double-encoded CloudEvent",
            "{\"entries\":[{\"entryId\":\"e1\",\"event\":" + JsonSerializer.Serialize(CloudEvent("m-7", Event())) + "},"
                + "{\"entryId\":\"e2\",\"event\":" + CloudEvent("m-8", Event("svc")) + "},{\"entryId\":\"e3\",\"event\":7}]}"
        },
    };

    [Theory]
    [MemberData(nameof(Deliveries))]
    public void The_counting_decoder_decides_every_message_as_the_full_one(string what, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        foreach (var keepRawEvents in new[] { false, true })
        {
            var expected = full.Decode(bytes, Now, keepRawEvents)!;
            var actual = counting.Decode(bytes, Now, keepRawEvents)!;

            Assert.Equal(expected.IsBulk, actual.IsBulk);
            Assert.Equal(expected.Messages.Count, actual.Messages.Count);
            for (var i = 0; i < expected.Messages.Count; i++)
            {
                var (e, a) = (expected.Messages[i], actual.Messages[i]);
                Assert.True((e.EntryId, e.MessageId, e.Time, e.Topic, e.Tenant, e.PoisonReason) == (a.EntryId, a.MessageId, a.Time, a.Topic, a.Tenant, a.PoisonReason),
                    $"{what}, message {i}: full {e.MessageId} '{e.PoisonReason}', counting {a.MessageId} '{a.PoisonReason}'");
                Assert.Equal(e.IsPoison || keepRawEvents ? e.RawEvent : null, e.IsPoison || keepRawEvents ? a.RawEvent : null);
                Assert.Equal(e.EventCount, a.EventCount);
                if (!e.IsPoison)
                {
                    Assert.Null(a.Events);
                    Assert.Equal(BucketAggregator.Aggregate(e, Minute).Counts.OrderBy(c => c.Key.Service), BucketAggregator.Aggregate(a, Minute).Counts.OrderBy(c => c.Key.Service));
                }
            }
        }
    }

    [Fact]
    public void A_counted_message_keeps_its_cloud_event_as_delivered_for_a_dead_letter()
    {
        var cloudEvent = CloudEvent("m-1", Event());
        var body = Encoding.UTF8.GetBytes("{\"entries\":[{\"entryId\":\"e1\",\"event\":" + cloudEvent + "}]}");

        var message = Assert.Single(counting.Decode(body, Now)!.Messages);

        Assert.Null(message.RawEvent);
        Assert.Equal(cloudEvent, Encoding.UTF8.GetString(message.Delivered.Span));
    }
}
