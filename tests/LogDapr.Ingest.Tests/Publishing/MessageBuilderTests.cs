using System.Text.Json;
using LogDapr.Contracts.CloudEvents;
using LogDapr.Contracts.Events;
using LogDapr.Contracts.Events.Encoded;
using LogDapr.Ingest.Publishing;

namespace LogDapr.Ingest.Tests.Publishing;

public class MessageBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly LogEventReader Reader = new(LogEventLimits.Default);

    private static EncodedEvents Events(int count, int messageBytes = 10)
    {
        var json = "[" + string.Join(',', Enumerable.Range(0, count).Select(i =>
            $$"""{"id":"e{{i}}","tenant_id":"t","service":"s","severity":"info","message":"{{new string('x', messageBytes)}}"}""")) + "]";
        return Reader.Encode(System.Text.Encoding.UTF8.GetBytes(json), PayloadFormat.Json, Now).Accepted;
    }

    [Fact]
    public void Splits_into_messages_of_at_most_the_configured_events_covering_every_event_once_in_order()
    {
        var events = Events(1234);

        var messages = MessageBuilder.Build(events, Now, eventsPerMessage: 500, maxMessageBytes: 900 * 1024);

        Assert.Equal([500, 500, 234], messages.Select(m => m.EventCount));
        Assert.Equal([0, 500, 1000], messages.Select(m => m.FirstEvent));
        var decoded = messages.SelectMany(m => Reader.Read(m.Data.Span, PayloadFormat.Json, Now).Accepted).Select(e => e.Id);
        Assert.Equal(Enumerable.Range(0, events.Count).Select(i => System.Text.Encoding.UTF8.GetString(events.Id(i))), decoded);
        Assert.Equal(messages.Count, messages.Select(m => m.Id).Distinct().Count());
        Assert.All(messages, m => Assert.Equal(Now, System.Text.Json.JsonDocument.Parse(m.Envelope).RootElement.GetProperty("time").GetDateTimeOffset()));
    }

    [Fact]
    public void Keeps_each_message_under_the_byte_limit_by_splitting_further()
    {
        var events = Events(100, messageBytes: 2000);

        var messages = MessageBuilder.Build(events, Now, eventsPerMessage: 100, maxMessageBytes: 64 * 1024);

        Assert.All(messages, m => Assert.True(m.Data.Length <= 64 * 1024, $"message of {m.Data.Length} bytes"));
        Assert.Equal(100, messages.Sum(m => m.EventCount));
        Assert.True(messages.Count > 1);
    }

    [Fact]
    public void Events_that_all_carry_ids_get_the_same_message_ids_whenever_the_request_is_built_again()
    {
        var events = Events(1234);

        var ids = MessageIdScheme.Choose(keyed: null, events);

        var first = MessageBuilder.Build(events, Now, eventsPerMessage: 500, maxMessageBytes: 900 * 1024, ids: ids);
        var again = MessageBuilder.Build(events, Now.AddSeconds(3), eventsPerMessage: 500, maxMessageBytes: 900 * 1024, ids: ids);

        Assert.Equal(first.Select(m => m.Id), again.Select(m => m.Id));
        Assert.Equal(first.Count, first.Select(m => m.Id).Distinct().Count());
    }

    [Fact]
    public void The_published_cloud_event_carries_our_id_type_and_the_events_as_data()
    {
        var message = MessageBuilder.Build(Events(2), Now, 500, 900 * 1024).Single();

        var cloudEvent = JsonDocument.Parse(message.Envelope).RootElement;

        Assert.Equal("1.0", cloudEvent.GetProperty("specversion").GetString());
        Assert.Equal(message.Id, cloudEvent.GetProperty("id").GetString());
        Assert.Equal(CloudEventTypes.LogBatch, cloudEvent.GetProperty("type").GetString());
        Assert.Equal(CloudEventTypes.DataSchema, cloudEvent.GetProperty("dataschema").GetString());
        Assert.Equal(Now, cloudEvent.GetProperty("time").GetDateTimeOffset());
        Assert.Equal(2, cloudEvent.GetProperty("data").GetProperty("events").GetArrayLength());
    }
}
