using LogDapr.Ingest.Publishing;
using LogDapr.ServiceDefaults.Publishing;

namespace LogDapr.Ingest.Tests.Publishing;

public class PublishBatcherTests
{
    private static OutgoingCloudEvent Message(int bytes, int first) => new()
    {
        Id = Guid.NewGuid().ToString(),
        Envelope = new byte[bytes],
        Data = new byte[bytes],
        FirstEvent = first,
        EventCount = 1,
    };

    private static long RequestBytes(List<OutgoingCloudEvent> call)
        => PublishRequestSize.Request("logdapr-pubsub", "logs") + call.Select((m, i) => (long)PublishRequestSize.Entry(i, m.Envelope.Length)).Sum();

    [Fact]
    public void Calls_stay_under_the_message_and_byte_limits_and_keep_every_message_once_in_order()
    {
        var messages = Enumerable.Range(0, 25).Select(i => Message(100 + (i % 3 * 50), i)).ToList();

        var calls = PublishBulks.Split(messages, maxMessages: 4, maxRequestBytes: 500, "logdapr-pubsub", "logs").ToList();

        Assert.All(calls, c => Assert.True(c.Count <= 4 && RequestBytes(c) <= 500, $"{c.Count} messages, {RequestBytes(c)} bytes"));
        Assert.Equal(messages, calls.SelectMany(c => c));
    }

    [Fact]
    public void A_message_larger_than_the_byte_limit_goes_alone()
    {
        var calls = PublishBulks.Split([Message(10, 0), Message(1000, 1), Message(10, 2)], maxMessages: 10, maxRequestBytes: 100, "logdapr-pubsub", "logs").ToList();

        Assert.Equal([1, 1, 1], calls.Select(c => c.Count));
    }
}
