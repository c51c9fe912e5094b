using BenchmarkDotNet.Attributes;
using LogDapr.Aggregator.Decoding;
using LogDapr.Contracts.Events;

namespace LogDapr.MicroBenchmarks.Benchmarks;

/// <summary>
/// The counter role's read (issue 16): the full LogEvent reader against the counting reader, which validates the same
/// way but keeps only the count key of each event. Per message (one published 500-event message, read with the
/// aggregator's limits) and per delivery (the decoder, 100 such messages).
/// </summary>
[MemoryDiagnoser]
public class CountingReaderBenchmarks
{
    private readonly LogEventReader reader = new(LogEventLimits.Widest);
    private readonly LogEventCountingReader counter = new(LogEventLimits.Widest);
    private readonly DeliveryDecoder fullDecoder = new(new LogEventReader(LogEventLimits.Widest));
    private readonly DeliveryDecoder countingDecoder = new(new LogEventReader(LogEventLimits.Widest), new LogEventCountingReader(LogEventLimits.Widest));
    private readonly DateTimeOffset now = new(BenchmarkData.Now);
    private readonly List<CountedEvent> counted = new(BenchmarkData.EventsPerBatch);
    private byte[] message = [];
    private byte[] delivery = [];

    [GlobalSetup]
    public void Setup()
    {
        message = BenchmarkData.PublishedMessage();
        delivery = BenchmarkData.BulkDelivery();
        if (FullRead() != BenchmarkData.EventsPerBatch || CountingRead() != BenchmarkData.EventsPerBatch
            || FullDecode() != BenchmarkData.MessagesPerDelivery * BenchmarkData.EventsPerBatch
            || CountingDecode() != BenchmarkData.MessagesPerDelivery * BenchmarkData.EventsPerBatch)
        {
            throw new InvalidOperationException("a reader did not accept every event of the benchmark data");
        }
    }

    [Benchmark(Description = "LogEventReader.Read (full), 500 events")]
    [BenchmarkCategory("message")]
    public int FullRead() => reader.Read(message, PayloadFormat.Json, now).Accepted.Count;

    [Benchmark(Description = "LogEventCountingReader.Count, 500 events")]
    [BenchmarkCategory("message")]
    public int CountingRead()
    {
        counted.Clear();
        return counter.Count(message, PayloadFormat.Json, now, counted).Accepted;
    }

    [Benchmark(Description = "DeliveryDecoder.Decode (full), 100 x 500 events")]
    [BenchmarkCategory("delivery")]
    public int FullDecode() => fullDecoder.Decode(delivery, now)!.Messages.Sum(m => m.EventCount);

    [Benchmark(Description = "DeliveryDecoder.Decode (counting), 100 x 500 events")]
    [BenchmarkCategory("delivery")]
    public int CountingDecode() => countingDecoder.Decode(delivery, now)!.Messages.Sum(m => m.EventCount);
}
