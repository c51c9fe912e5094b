using System.Text;
using LogDapr.Aggregator.Decoding;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Tests.Decoding;

public class DeliveryDecoderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly DeliveryDecoder decoder = new(new LogEventReader(LogEventLimits.Default));

    private const string ValidData = """{"events":[{"tenant_id":"acme","service":"api","severity":"error","message":"x","timestamp":"2026-11-22T11:59:00Z"},{"tenant_id":"acme","service":"api","severity":"info","message":"y"}]}""";

    private static string CloudEvent(string id, string data, string time = "2026-11-22T11:59:30Z")
        => $$"""{"specversion":"1.0","id":"{{id}}","source":"s","type":"io.logdapr.logbatch.v1","time":"{{time}}","datacontenttype":"application/json","topic":"logs","data":{{data}}}""";

    private DecodedDelivery Decode(string body) => decoder.Decode(Encoding.UTF8.GetBytes(body), Now)!;

    [Fact]
    public void A_single_cloud_event_yields_its_events_with_the_cloud_event_id_and_time()
    {
        var delivery = Decode(CloudEvent("m-1", ValidData));

        Assert.False(delivery.IsBulk);
        var message = Assert.Single(delivery.Messages);
        Assert.False(message.IsPoison);
        Assert.Equal("m-1", message.MessageId);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 11, 59, 30, TimeSpan.Zero), message.Time);
        Assert.Equal(2, message.Events!.Count);
        Assert.Equal("logs", message.Topic);
        // An event without a timestamp takes the message's publish time, so a redelivery buckets it identically.
        Assert.Equal(message.Time, message.Events[1].Timestamp);
    }

    [Fact]
    public void A_bulk_delivery_answers_per_entry_and_isolates_poison_entries()
    {
        var invalid = CloudEvent("m-2", """{"tenant_id":"acme"}""");
        var body = $$"""
            {"id":"b1","pubsubname":"p","topic":"logs","type":"com.dapr.event.sent.bulk","metadata":{},
             "entries":[
               {"entryId":"e1","event":{{CloudEvent("m-1", ValidData)}},"contentType":"application/cloudevents+json"},
               {"entryId":"e2","event":{{invalid}},"contentType":"application/cloudevents+json"},
               {"entryId":"e3","event":"not a cloud event","contentType":"text/plain"},
               {"entryId":"e4","event":{"specversion":"1.0","source":"s","type":"t","data":{} } },
               {"noEntryId":true}
             ]}
            """;

        var delivery = Decode(body);

        Assert.True(delivery.IsBulk);
        Assert.Equal(["e1", "e2", "e3", "e4"], delivery.Messages.Select(m => m.EntryId));
        Assert.False(delivery.Messages[0].IsPoison);
        Assert.Contains("service", delivery.Messages[1].PoisonReason);
        Assert.Equal("m-2", delivery.Messages[1].MessageId);
        Assert.Contains("does not hold a CloudEvent", delivery.Messages[2].PoisonReason);
        Assert.StartsWith("sha256:", delivery.Messages[2].MessageId, StringComparison.Ordinal);
        Assert.Contains("no id", delivery.Messages[3].PoisonReason);
    }

    [Theory]
    [InlineData("{not json", "not JSON")]
    [InlineData("""{"specversion":"1.0","id":"x","source":"s","type":"t"}""", "no data")]
    [InlineData("""{"specversion":"1.0","id":"x","source":"s","type":"t","data":42}""", "LogEvent")]
    [InlineData("""{"specversion":"1.0","id":"x","source":"s","type":"t","time":"yesterday","data":{}}""", "RFC 3339")]
    [InlineData("""{"specversion":"1.0","id":"x","source":"s","type":"t","data_base64":"%%%"}""", "base64")]
    [InlineData("[1,2,3]", "array")]
    public void Undecodable_messages_become_poison_with_a_reason(string body, string reasonPart)
    {
        var message = Assert.Single(Decode(body).Messages);

        Assert.True(message.IsPoison);
        Assert.Contains(reasonPart, message.PoisonReason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(body, message.RawEvent);
    }

    [Fact]
    public void A_batch_with_one_invalid_event_is_poison_as_a_whole_and_names_the_event()
    {
        var data = """[{"tenant_id":"acme","service":"api","severity":"info","message":"ok"},{"tenant_id":"acme","service":"api","severity":"loud","message":"bad"}]""";

        var message = Assert.Single(Decode(CloudEvent("m-3", data)).Messages);

        Assert.True(message.IsPoison);
        Assert.Contains("1 of 2 events are invalid", message.PoisonReason, StringComparison.Ordinal);
        Assert.Contains("[1] severity", message.PoisonReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_published_as_text_holding_json_and_as_base64_is_decoded()
    {
        var asString = $$"""{"specversion":"1.0","id":"s1","source":"s","type":"t","data":{{System.Text.Json.JsonSerializer.Serialize(ValidData)}}}""";
        var asBase64 = $$"""{"specversion":"1.0","id":"s2","source":"s","type":"t","data_base64":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes(ValidData))}}"}""";

        Assert.Equal(2, Assert.Single(Decode(asString).Messages).Events!.Count);
        Assert.Equal(2, Assert.Single(Decode(asBase64).Messages).Events!.Count);
    }

    [Fact]
    public void Valid_messages_keep_their_text_only_when_asked_poison_always()
    {
        var body = Encoding.UTF8.GetBytes(CloudEvent("m-9", ValidData));
        var poison = Encoding.UTF8.GetBytes("""{"specversion":"1.0","id":"p","source":"s","type":"t","data":{}}""");

        Assert.Null(decoder.Decode(body, Now)!.Messages[0].RawEvent);
        Assert.Equal(CloudEvent("m-9", ValidData), decoder.Decode(body, Now, keepRawEvents: true)!.Messages[0].RawEvent);
        Assert.NotNull(decoder.Decode(poison, Now)!.Messages[0].RawEvent);
    }

    [Fact]
    public void A_bulk_envelope_whose_entries_are_not_an_array_cannot_be_answered()
        => Assert.Null(decoder.Decode(Encoding.UTF8.GetBytes("""{"entries":{}}"""), Now));
}

public class CloudEventTimeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly DeliveryDecoder decoder = new(new LogEventReader(LogEventLimits.Default));

    [Theory]
    [InlineData("2026-11-22")]
    [InlineData("2026-11-22T11:59:30")]
    [InlineData("11/22/2026 11:59:30")]
    [InlineData("2026-11-22 11:59:30Z")]
    [InlineData("Sun, 22 Nov 2026 11:59:30 GMT")]
    [InlineData("2026-11-22T11:59:30.1234567890Z")]
    public void A_time_that_is_not_strict_rfc_3339_makes_the_message_poison(string time)
    {
        var body = $$$"""{"specversion":"1.0","id":"m-1","source":"s","type":"t","time":"{{{time}}}","data":{"tenant_id":"acme","service":"api","severity":"info","message":"x"}}""";

        var message = Assert.Single(decoder.Decode(Encoding.UTF8.GetBytes(body), Now)!.Messages);

        Assert.True(message.IsPoison, $"'{time}' was accepted as {message.Time:O}");
    }

    [Theory]
    [InlineData("2026-11-22T11:59:30Z", "2026-11-22T11:59:30.0000000+00:00")]
    [InlineData("2026-11-22t13:59:30.123456789+02:00", "2026-11-22T11:59:30.1234567+00:00")]
    [InlineData("2026-11-22T11:59:30.5z", "2026-11-22T11:59:30.5000000+00:00")]
    public void A_strict_rfc_3339_time_is_read_in_utc(string time, string expected)
    {
        var body = $$$"""{"specversion":"1.0","id":"m-1","source":"s","type":"t","time":"{{{time}}}","data":{"tenant_id":"acme","service":"api","severity":"info","message":"x"}}""";

        var message = Assert.Single(decoder.Decode(Encoding.UTF8.GetBytes(body), Now)!.Messages);

        Assert.False(message.IsPoison, message.PoisonReason);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), message.Time);
    }
}
