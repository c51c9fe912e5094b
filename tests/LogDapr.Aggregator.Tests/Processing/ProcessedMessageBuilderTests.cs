using System.Text;
using System.Text.Json;
using LogDapr.Aggregator.Decoding;
using LogDapr.Aggregator.Processing.Delivery;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Tests.Processing;

/// <summary>What the processor publishes for one delivered message: what keeps exactly-once across the second hop.</summary>
public class ProcessedMessageBuilderTests
{
    private static readonly DateTimeOffset Received = new(2026, 11, 28, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_processed_message_keeps_the_id_time_and_trace_of_the_delivered_one_and_names_the_rules()
    {
        var message = Message("msg-1", Events(3));
        var built = Assert.Single(ProcessedMessageBuilder.Build(message, message.Events!, "abc123", 1024 * 1024));

        using var document = JsonDocument.Parse(built.Envelope);
        var root = document.RootElement;
        Assert.Equal("msg-1", root.GetProperty("id").GetString());
        Assert.Equal(Received, root.GetProperty("time").GetDateTimeOffset());
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", root.GetProperty("traceparent").GetString());
        Assert.Equal("abc123", root.GetProperty("logdaprrules").GetString());
        Assert.Equal(3, root.GetProperty("data").GetProperty("events").GetArrayLength());
    }

    [Fact]
    public void The_same_message_and_rules_give_byte_identical_messages_so_a_redelivery_is_recognised_downstream()
    {
        var message = Message("msg-2", Events(50));
        var first = ProcessedMessageBuilder.Build(message, message.Events!, "v1", 4096);
        var second = ProcessedMessageBuilder.Build(message, message.Events!, "v1", 4096);

        Assert.Equal(first.Select(m => m.Id), second.Select(m => m.Id));
        Assert.Equal(first.Select(m => Convert.ToBase64String(m.Envelope.Span)), second.Select(m => Convert.ToBase64String(m.Envelope.Span)));
    }

    [Fact]
    public void A_message_grown_past_the_limit_is_split_into_parts_with_derived_ids_that_together_hold_every_event()
    {
        var message = Message("msg-3", Events(200));
        var parts = ProcessedMessageBuilder.Build(message, message.Events!, "v1", 4096);

        Assert.True(parts.Count > 1);
        Assert.All(parts, p => Assert.True(p.Data.Length <= 4096, $"part {p.Id} has {p.Data.Length} bytes of data"));
        Assert.Equal(parts.Select((_, i) => $"msg-3/part{i}"), parts.Select(p => p.Id));
        var ids = parts.SelectMany(p => JsonDocument.Parse(p.Data).RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        Assert.Equal(message.Events!.Select(e => e.Id), ids);
    }

    [Fact]
    public void A_part_id_of_a_long_message_id_stays_within_what_the_dedup_key_can_store()
    {
        var id = new string('x', 510);
        var part = ProcessedMessageBuilder.PartId(id, 12);

        Assert.True(Encoding.UTF8.GetByteCount(part) <= StoredLimits.MaxMessageIdBytes);
        Assert.StartsWith("sha256:", part, StringComparison.Ordinal);
        Assert.Equal(part, ProcessedMessageBuilder.PartId(id, 12));
        Assert.NotEqual(part, ProcessedMessageBuilder.PartId(id, 13));
    }

    private static DecodedMessage Message(string id, IReadOnlyList<LogEvent> events)
        => new("entry-" + id, id, Received, "logs", null, events, null) { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };

    private static List<LogEvent> Events(int count) => [.. Enumerable.Range(0, count).Select(i => new LogEvent
    {
        Id = $"e-{i}",
        TenantId = "acme",
        Timestamp = Received,
        Severity = Severity.Info,
        Service = "checkout",
        Message = $"event number {i} with some text to make it larger",
    })];
}
