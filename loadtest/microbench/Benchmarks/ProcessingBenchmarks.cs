using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using LogDapr.Contracts.Events;
using LogDapr.Processing;
using LogDapr.Processing.Enrichment;
using LogDapr.Processing.Rules;

namespace LogDapr.MicroBenchmarks.Benchmarks;

/// <summary>
/// The processor's per-message CPU with the realistic rule set of the end-to-end benchmark
/// (loadtest/bench/processing-realistic.yaml): one 500-event message as ingest publishes it, read, processed with a
/// warm metadata snapshot, and written back. Events/s per core = 500 / mean of the whole path.
/// </summary>
[MemoryDiagnoser]
public class ProcessingBenchmarks
{
    private readonly ArrayBufferWriter<byte> output = new(256 * 1024);
    private byte[] published = [];
    private IReadOnlyList<LogEvent> events = [];
    private EventProcessor processor = null!;
    private MetadataSnapshot snapshot = MetadataSnapshot.Empty;

    /// <summary>The whole realistic rule set, or one of its parts alone (to see where the time goes).</summary>
    [Params("realistic", "redaction", "enrichment", "transforms")]
    public string Rules { get; set; } = "realistic";

    [GlobalSetup]
    public void Setup()
    {
        var realistic = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "processing-realistic.yaml"));
        var parsed = RulesParser.Parse(Rules == "realistic" ? realistic : Part(realistic, Rules));
        processor = EventProcessor.Create(parsed.Rules ?? throw new InvalidOperationException(string.Join("; ", parsed.Errors)), ProcessingSecrets.None);
        events = new LogEventReader(LogEventLimits.Default).Read(BenchmarkData.Batch(), PayloadFormat.Json, new DateTimeOffset(BenchmarkData.Now)).Accepted;
        published = Write(events);
        var keys = new HashSet<MetadataKey>();
        foreach (var e in events)
        {
            processor.CollectMetadataKeys(e, keys);
        }

        IReadOnlyDictionary<string, string> row = new Dictionary<string, string>(StringComparer.Ordinal) { ["region"] = "eu-west-1", ["team"] = "payments" };
        snapshot = new MetadataSnapshot(keys.ToDictionary(k => k, _ => row), new HashSet<MetadataKey>());
    }

    [Benchmark(Description = "read 500 published events")]
    public int Read() => new LogEventReader(LogEventLimits.Default).Read(published, PayloadFormat.Json, new DateTimeOffset(BenchmarkData.Now)).Accepted.Count;

    [Benchmark(Description = "process 500 events (realistic rules)")]
    public int Process()
    {
        var counters = new ProcessingCounters();
        var kept = 0;
        foreach (var e in events)
        {
            kept += processor.Process(e, snapshot, counters) is null ? 0 : 1;
        }

        return kept;
    }

    [Benchmark(Description = "write 500 events")]
    public int WriteBack() => Write(events).Length;

    /// <summary>The top-level section <paramref name="name"/> of the rules document, alone.</summary>
    private static string Part(string document, string name)
    {
        var lines = document.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith(name + ":", StringComparison.Ordinal));
        var end = Array.FindIndex(lines, start + 1, l => l.Length > 0 && !char.IsWhiteSpace(l[0]) && !l.StartsWith('#'));
        return string.Join('\n', lines[start..(end < 0 ? lines.Length : end)]);
    }

    private byte[] Write(IReadOnlyList<LogEvent> batch)
    {
        output.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true }))
        {
            LogEventWriter.WriteBatch(writer, batch, 0, batch.Count);
        }

        return output.WrittenSpan.ToArray();
    }
}
