using BenchmarkDotNet.Attributes;
using LogDapr.Contracts.Events;

namespace LogDapr.MicroBenchmarks.Benchmarks;

/// <summary>Ingest's hot path: parse, validate and normalize one 500-event request body.</summary>
[MemoryDiagnoser]
public class ReaderBenchmarks
{
    private readonly LogEventReader reader = new(LogEventLimits.Default);
    private readonly DateTimeOffset receivedAt = new(BenchmarkData.Now);
    private byte[] batch = [];

    [GlobalSetup]
    public void Setup() => batch = BenchmarkData.Batch();

    [Benchmark(Description = "LogEventReader.Read, 500 events")]
    public int ParseValidateNormalize()
    {
        var result = reader.Read(batch, PayloadFormat.Json, receivedAt);
        if (result.Accepted.Count != BenchmarkData.EventsPerBatch)
        {
            throw new InvalidOperationException($"expected {BenchmarkData.EventsPerBatch} accepted events, got {result.Accepted.Count}");
        }

        return result.Accepted.Count;
    }
}
