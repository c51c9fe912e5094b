namespace LogDapr.Bench.Plan;

/// <summary>
/// The fixed scenario set and its sizes. <see cref="Full"/> is what docs/benchmarks.md is produced with;
/// <see cref="Smoke"/> is the same flow at a size that takes seconds, for CI, where only correctness is asserted.
/// </summary>
public sealed record BenchPlan
{
    public required string Name { get; init; }

    /// <summary>Events per batch request, as in the target "batches of 500 x ~200-byte events".</summary>
    public int BatchEvents { get; init; } = 500;

    public int EventBytes { get; init; } = 200;
    public int Tenants { get; init; } = 4;

    /// <summary>Share of invalid events in every request stream: ingest rejects them, and the counts must not include them.</summary>
    public double InvalidShare { get; init; } = 0.01;

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Offered batch requests/s for the throughput runs. Far above what the machine can take, with a small concurrency
    /// cap: the server then runs at its maximum and the excess shows up as drops, not as a slower schedule.
    /// </summary>
    public double SaturationRate { get; init; } = 2_000;

    /// <summary>Offered batch requests/s for the bare-Kestrel ceiling, which takes ten times what ingest takes.</summary>
    public double CeilingRate { get; init; } = 20_000;
    public int SaturationConcurrency { get; init; } = 8;
    public TimeSpan SaturationDuration { get; init; } = TimeSpan.FromSeconds(15);

    public double SingleRate { get; init; } = 5_000;

    /// <summary>The second single-event rate (issue 16: 10,000 req/s with p99 under 50 ms).</summary>
    public double HighSingleRate { get; init; } = 10_000;
    public int SingleConcurrency { get; init; } = 256;
    public TimeSpan SingleDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The sustained end-to-end run goes at this share of the measured maximum (the lag target is at half).</summary>
    public double SustainedShare { get; init; } = 0.5;
    public TimeSpan SustainedDuration { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Fixed rate for the sustained run instead of a share of the maximum (smoke runs: not measuring speed).</summary>
    public double? SustainedEventsPerSecond { get; init; }

    /// <summary>How long the LogDapr side of the peer comparison floods ingest; rsyslog then gets as many events.</summary>
    public TimeSpan FloodDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Upper bound of events sent to rsyslog (it inserts row by row; keep its run in minutes).</summary>
    public long MaxPeerEvents { get; init; } = 600_000;

    public int CopyStreams { get; init; } = Environment.ProcessorCount;
    public TimeSpan VerifyTimeout { get; init; } = TimeSpan.FromMinutes(5);
    public bool MicroBenchmarks { get; init; } = true;

    /// <summary>The pipeline flood once more under each broker emulation of the development sidecar (redis, kafka, jetstream).</summary>
    public bool PerBroker { get; init; } = true;

    /// <summary>A quick job instead of BenchmarkDotNet's short run (figures are then indicative only).</summary>
    public bool QuickMicroBenchmarks { get; init; }

    /// <summary>
    /// Only the warm-up and the pipeline flood, on one stack: a minute or two, so two configurations can be compared
    /// in alternating runs (e.g. with and without <c>--rules</c>) while the machine's load stays the same.
    /// </summary>
    public bool FloodOnly { get; init; }

    /// <summary>
    /// The single-event runs once more on a stack whose development sidecar acknowledges publishes at once (issue 16:
    /// the services' share, without the stand-in broker's cost), after the whole-pipeline runs. The single-event
    /// targets are judged on these; the whole pipeline's figures are reported beside them.
    /// </summary>
    public bool ServicesShare { get; init; } = true;

    /// <summary>Only the warm-up and the single-event runs (both rates) on one stack.</summary>
    public bool SinglesOnly { get; init; }

    /// <summary>
    /// Only the sink comparison: ingest alone fills the broker, the aggregator drains it, COPY writes as many rows
    /// (a few minutes), for comparing configurations of the drain in alternating runs.
    /// </summary>
    public bool SinkOnly { get; init; }

    /// <summary>
    /// Runs of each repeatable scenario in one invocation (the ceilings, ingest alone, single events, the sustained
    /// run): the report shows the median with min and max and marks a spread above 15 % as noisy. The drain, the
    /// flood, COPY and the peer run once (the drain measures the backlog of every ingest run together).
    /// </summary>
    public int Repeats { get; init; } = 3;

    public static BenchPlan Full { get; } = new() { Name = "full" };

    /// <summary>Seconds, not minutes: low fixed rates instead of saturation, a small flood, no micro-benchmarks.</summary>
    public static BenchPlan Smoke { get; } = new()
    {
        Name = "smoke",
        BatchEvents = 50,
        InvalidShare = 0.05,
        Warmup = TimeSpan.FromSeconds(1),
        SaturationRate = 20,
        CeilingRate = 20,
        SaturationConcurrency = 4,
        SaturationDuration = TimeSpan.FromSeconds(2),
        SingleRate = 100,
        HighSingleRate = 200,
        // Two runs, so the repeat path (median, spread, the drain of every ingest run's backlog) runs in CI too.
        Repeats = 2,
        SingleConcurrency = 16,
        SingleDuration = TimeSpan.FromSeconds(2),
        SustainedEventsPerSecond = 1_000,
        SustainedDuration = TimeSpan.FromSeconds(2),
        FloodDuration = TimeSpan.FromSeconds(1),
        MaxPeerEvents = 2_000,
        VerifyTimeout = TimeSpan.FromSeconds(60),
        MicroBenchmarks = false,
        PerBroker = false,
    };
}
