using BenchmarkDotNet.Attributes;
using LogDapr.Aggregator.Counting;
using LogDapr.Aggregator.Decoding;
using LogDapr.Contracts.Events;

namespace LogDapr.MicroBenchmarks.Benchmarks;

/// <summary>Building the one binding statement's parameters for a delivery of 100 aggregated messages.</summary>
[MemoryDiagnoser]
public class StatementBenchmarks
{
    private List<MessageCounts> counts = [];

    [GlobalSetup]
    public void Setup()
    {
        var now = new DateTimeOffset(BenchmarkData.Now);
        var decoded = new DeliveryDecoder(new LogEventReader(LogEventLimits.Widest)).Decode(BenchmarkData.BulkDelivery(), now)!.Messages;
        counts = [.. decoded.Select(m => BucketAggregator.Aggregate(m.MessageId, m.Events!, TimeSpan.FromMinutes(1)))];
    }

    [Benchmark(Description = "CountsStatement.Params, 100 messages")]
    public int BuildParams() => CountsStatement.Params(counts).Length;
}
