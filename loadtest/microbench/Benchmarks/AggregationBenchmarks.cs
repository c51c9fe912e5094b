using BenchmarkDotNet.Attributes;
using LogDapr.Aggregator.Counting;
using LogDapr.Aggregator.Decoding;
using LogDapr.Contracts.Events;

namespace LogDapr.MicroBenchmarks.Benchmarks;

/// <summary>
/// The aggregator's hot path for one bulk delivery of 100 messages x 500 events: decoding (which re-validates every
/// event) and folding the events into per-minute buckets, separately and together.
/// </summary>
[MemoryDiagnoser]
public class AggregationBenchmarks
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly DeliveryDecoder decoder = new(new LogEventReader(LogEventLimits.Widest));
    private readonly DateTimeOffset now = new(BenchmarkData.Now);
    private ReadOnlyMemory<byte> delivery;
    private IReadOnlyList<DecodedMessage> decoded = [];

    [GlobalSetup]
    public void Setup()
    {
        delivery = BenchmarkData.BulkDelivery();
        decoded = decoder.Decode(delivery, now)!.Messages;
        if (decoded.Count != BenchmarkData.MessagesPerDelivery || decoded.Any(m => m.IsPoison))
        {
            throw new InvalidOperationException("the benchmark delivery does not decode into 100 valid messages: "
                + decoded.FirstOrDefault(m => m.IsPoison)?.PoisonReason);
        }
    }

    [Benchmark(Description = "DeliveryDecoder.Decode, 100 x 500 events")]
    public int Decode() => decoder.Decode(delivery, now)!.Messages.Count;

    [Benchmark(Description = "BucketAggregator.Aggregate, 100 x 500 events")]
    public int Aggregate()
    {
        var buckets = 0;
        foreach (var message in decoded)
        {
            buckets += BucketAggregator.Aggregate(message.MessageId, message.Events!, Minute).Counts.Count;
        }

        return buckets;
    }

    [Benchmark(Description = "Decode + Aggregate, 100 x 500 events")]
    public int DecodeAndAggregate()
    {
        var buckets = 0;
        foreach (var message in decoder.Decode(delivery, now)!.Messages)
        {
            buckets += BucketAggregator.Aggregate(message.MessageId, message.Events!, Minute).Counts.Count;
        }

        return buckets;
    }
}
