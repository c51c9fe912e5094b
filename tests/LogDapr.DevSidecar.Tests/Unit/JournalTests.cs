using LogDapr.DevSidecar.PubSub.Journal;
using LogDapr.DevSidecar.PubSub.Storage;
using LogDapr.DevSidecar.PubSub.Subscriptions;
using LogDapr.DevSidecar.PubSub;
using LogDapr.DevSidecar.Resiliency;
using LogDapr.DevSidecar.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogDapr.DevSidecar.Tests.Unit;

public class JournalTests
{
    private static readonly SubscriptionSpec Spec = new("ps", "t", "/r", [], null, new Dictionary<string, string>(), new BulkSettings(false));

    private static Broker NewBroker(string dir, long segmentBytes = 1 << 20, long cacheBudget = 1 << 20)
    {
        var broker = new Broker([new PubSubSettings("ps", "pubsub.redis", 1_000_000, 4, ComponentPolicy.None)], cacheBudget, NullLogger.Instance);
        broker.Open(dir, segmentBytes, fsync: true);
        return broker;
    }

    private static OutgoingMessage Message(int i, int size = 100) =>
        new(System.Text.Encoding.UTF8.GetBytes($"{{\"i\":{i},\"pad\":\"{new string('x', size)}\"}}"), MessageFlags.None);

    [Fact]
    public void Frames_on_disk_keep_their_bytes_and_the_crc_is_crc32_iso_hdlc()
    {
        // CRC-32/ISO-HDLC check value: the journal's checksum is the IEEE CRC-32 its first hand-written version computed.
        Assert.Equal(0xCBF43926u, System.IO.Hashing.Crc32.HashToUInt32("123456789"u8));

        var output = new System.Buffers.ArrayBufferWriter<byte>();
        JournalCodec.Write(output, new CheckpointRecord(42));
        Assert.Equal("09000000737ec499012a00000000000000", Convert.ToHexStringLower(output.WrittenSpan));
        Assert.True(JournalCodec.TryRead(output.WrittenSpan, out var record, out var consumed, out _));
        Assert.Equal((new CheckpointRecord(42), 17), (record, consumed));
    }

    [Fact]
    public async Task Acknowledged_publishes_and_acks_survive_a_reopen()
    {
        using var dir = new TempDir();
        await using (var broker = NewBroker(dir.Path))
        {
            var sub = await broker.RegisterAsync("app", SubscriptionKind.Programmatic, Spec, default);
            for (var i = 0; i < 10; i++)
            {
                await broker.PublishAsync("ps", "t", Message(i), default);
            }

            var first = broker.TakeNext(sub!, 4);
            await broker.AckAsync(sub!, first, AckOutcome.Delivered);
        }

        await using (var reopened = NewBroker(dir.Path))
        {
            var sub = reopened.Subscriptions().Single();
            Assert.Equal(6, sub.PendingCount);
            var remaining = reopened.TakeNext(sub, 100);
            var payloads = await Task.WhenAll(remaining.Select(m => reopened.ReadPayloadAsync(m, default).AsTask()));
            Assert.Equal(Enumerable.Range(4, 6), payloads.Select(p => System.Text.Json.JsonDocument.Parse(p).RootElement.GetProperty("i").GetInt32()));
        }
    }

    [Fact]
    public async Task A_torn_tail_is_discarded_and_earlier_records_kept()
    {
        using var dir = new TempDir();
        await using (var broker = NewBroker(dir.Path))
        {
            await broker.PublishAsync("ps", "t", Message(1), default);
            await broker.PublishAsync("ps", "t", Message(2), default);
        }

        var segment = Directory.GetFiles(dir.Path).Single();
        var length = new FileInfo(segment).Length;
        using (var stream = new FileStream(segment, FileMode.Open))
        {
            stream.SetLength(length - 5); // cut into the last record, as a crash mid-write would
        }

        await using var reopened = NewBroker(dir.Path);
        var topic = reopened.Snapshot().Topics.Single();
        Assert.Equal(1, topic.Pending);
    }

    [Fact]
    public async Task Compaction_keeps_the_journal_bounded_and_loses_nothing_pending()
    {
        using var dir = new TempDir();
        await using (var broker = NewBroker(dir.Path, segmentBytes: 8 * 1024, cacheBudget: 0))
        {
            var sub = await broker.RegisterAsync("app", SubscriptionKind.Programmatic, Spec, default);

            // One message stays pending for the whole run, pinning the oldest segment unless it is relocated.
            await broker.PublishAsync("ps", "t", Message(-1), default);
            var pinned = broker.TakeNext(sub!, 1);
            for (var i = 0; i < 400; i++)
            {
                await broker.PublishAsync("ps", "t", Message(i, 200), default);
                var taken = broker.TakeNext(sub!, 10);
                await broker.AckAsync(sub!, taken, AckOutcome.Delivered);
            }

            var snapshot = broker.Snapshot();
            Assert.True(snapshot.JournalSegments <= 4, $"journal kept {snapshot.JournalSegments} segments");
            Assert.Equal(1, snapshot.Topics.Single().Pending);
            Assert.Equal(-1, System.Text.Json.JsonDocument.Parse(await broker.ReadPayloadAsync(pinned[0], default)).RootElement.GetProperty("i").GetInt32());
        }

        await using var reopened = NewBroker(dir.Path, segmentBytes: 8 * 1024, cacheBudget: 0);
        var restored = reopened.Subscriptions().Single();
        var left = reopened.TakeNext(restored, 100);
        Assert.Single(left);
        Assert.Equal(-1, System.Text.Json.JsonDocument.Parse(await reopened.ReadPayloadAsync(left[0], default)).RootElement.GetProperty("i").GetInt32());
    }

    [Fact]
    public async Task A_publish_cancelled_before_the_append_is_not_written()
    {
        using var dir = new TempDir();
        await using var broker = NewBroker(dir.Path);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => broker.PublishAsync("ps", "t", Message(1), cancelled.Token));
        Assert.DoesNotContain(broker.Snapshot().Topics, t => t.Pending > 0 || t.Publishing > 0);
    }

    [Fact]
    public async Task Publishes_fail_when_the_topic_is_full()
    {
        using var dir = new TempDir();
        var broker = new Broker([new PubSubSettings("ps", "pubsub.redis", 2, 4, ComponentPolicy.None)], 1 << 20, NullLogger.Instance);
        broker.Open(dir.Path, 1 << 20, fsync: false);
        await using (broker)
        {
            await broker.PublishAsync("ps", "t", Message(1), default);
            await broker.PublishAsync("ps", "t", Message(2), default);
            var full = await Assert.ThrowsAsync<LogDapr.DevSidecar.Errors.DaprApiException>(() => broker.PublishAsync("ps", "t", Message(3), default));
            Assert.Equal(global::Grpc.Core.StatusCode.ResourceExhausted, full.GrpcCode);
        }
    }
}
