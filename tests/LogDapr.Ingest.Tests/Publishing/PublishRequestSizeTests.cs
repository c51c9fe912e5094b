using LogDapr.Contracts.Events;
using LogDapr.Contracts.Events.Encoded;
using LogDapr.Ingest.Publishing;
using Proto = Dapr.Client.Autogen.Grpc.v1;
using LogDapr.ServiceDefaults.Publishing;

namespace LogDapr.Ingest.Tests.Publishing;

/// <summary>
/// Bulk publishes are sized on what daprd receives: the serialized gRPC request (protobuf framing, entry ids and
/// content types, each CloudEvent envelope with its trace context), which daprd caps at 4 MiB by default.
/// </summary>
public class PublishRequestSizeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly LogEventReader Reader = new(LogEventLimits.Default);
    private static readonly (string, string?) Trace = ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "vendor=" + new string('s', 200));

    private static List<OutgoingCloudEvent> Messages(int count, int messageBytes)
    {
        var json = "[" + string.Join(',', Enumerable.Range(0, count).Select(i =>
            $$"""{"id":"e{{i}}","tenant_id":"t","service":"s","severity":"info","message":"{{new string('x', messageBytes + (i % 7))}}"}""")) + "]";
        var events = Reader.Encode(System.Text.Encoding.UTF8.GetBytes(json), PayloadFormat.Json, Now).Accepted;
        return MessageBuilder.Build(events, Now, eventsPerMessage: 1, maxMessageBytes: 900 * 1024, Trace);
    }

    /// <summary>The request the sidecar receives for these messages.</summary>
    private static Proto.BulkPublishRequest AsSent(IReadOnlyList<OutgoingCloudEvent> bulk) => DaprPublishClient.BulkRequest("logdapr-pubsub", "logs", bulk);

    [Theory]
    [InlineData(1, 10)]
    [InlineData(12, 70_000)]
    [InlineData(150, 300)]
    public void The_computed_size_is_the_size_of_the_request_sent(int count, int messageBytes)
    {
        var messages = Messages(count, messageBytes);

        var computed = PublishRequestSize.Request("logdapr-pubsub", "logs") + messages.Select((m, i) => PublishRequestSize.Entry(i, m.Envelope.Length)).Sum();

        Assert.Equal(AsSent(messages).CalculateSize(), computed);
    }

    [Fact]
    public void Every_bulk_request_fits_the_limit_as_serialized_and_the_next_message_would_not_have()
    {
        var messages = Messages(60, messageBytes: 900);
        const int limit = 20_000;

        var bulks = PublishBulks.Split(messages, maxMessages: 1000, maxRequestBytes: limit, "logdapr-pubsub", "logs").ToList();

        Assert.Equal(messages, bulks.SelectMany(b => b));
        for (var i = 0; i < bulks.Count; i++)
        {
            Assert.True(AsSent(bulks[i]).CalculateSize() <= limit, $"bulk {i} is {AsSent(bulks[i]).CalculateSize()} bytes serialized");
            if (i + 1 < bulks.Count)
            {
                Assert.True(AsSent([.. bulks[i], bulks[i + 1][0]]).CalculateSize() > limit, $"bulk {i} could have taken one more message");
            }
        }
    }
}
