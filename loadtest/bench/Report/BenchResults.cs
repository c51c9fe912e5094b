using LogDapr.Bench.Baselines;
using LogDapr.Bench.Plan;
using LogDapr.LoadGen.Verification;
using LogDapr.MicroBenchmarks.Suite;

namespace LogDapr.Bench.Report;

/// <summary>Everything one benchmark run measured, in the shape the report is written from.</summary>
public sealed class BenchResults
{
    public required BenchPlan Plan { get; init; }
    public required MachineInfo Machine { get; init; }
    public required string Command { get; init; }
    public IReadOnlyDictionary<string, string?> AppEnvironment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Whether the log store ran alongside the counter (its own consumer group, the same Postgres and cores).</summary>
    public bool WithStore { get; init; } = true;

    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;
    public TimeSpan Duration { get; set; }

    /// <summary>1-minute load average before the run and at its end.</summary>
    public string LoadBefore { get; init; } = MachineInfo.LoadAverage();
    public string LoadAfter { get; set; } = "?";

    public List<ScenarioResult> Scenarios { get; } = [];

    /// <summary>Aggregator throughput: a backlog queued while it was stopped, then drained.</summary>
    public AggregatorDrain? Drain { get; set; }

    /// <summary>LogDapr from the first send to the last event queryable, in the flood that rsyslog repeats.</summary>
    public FloodResult? Flood { get; set; }

    public PostgresCopyBaseline.Result? Copy { get; set; }
    public RsyslogPeer.Result? Rsyslog { get; set; }
    public string? RsyslogSkipped { get; set; }
    public IReadOnlyDictionary<string, long> RsyslogPeakRss { get; set; } = new Dictionary<string, long>();
    public IReadOnlyList<MicroResult> Micro { get; set; } = [];
    public List<string> Problems { get; } = [];

    /// <summary>The flood under each broker emulation, on a fresh stack each (see <see cref="BenchPlan.PerBroker"/>).</summary>
    public List<(string Broker, ScenarioResult Flood)> Brokers { get; } = [];

    /// <summary>Ends the ids of single-event scenarios run against a development sidecar that discards publishes (the services' share).</summary>
    public const string ServicesShareSuffix = "-services";

    public ScenarioResult? Scenario(string id) => Scenarios.FirstOrDefault(s => s.Id == id);

    /// <summary>True when every read-back showed every accepted event exactly once and nothing failed.</summary>
    public bool Correct => Problems.Count == 0
        && Scenarios.All(s => s.Verification is null || s.Verification.ExactlyOnce)
        && Brokers.All(b => b.Flood.Verification?.ExactlyOnce ?? false)
        && (Drain is null || Drain.Verification.ExactlyOnce)
        && (Flood is null || Flood.Verification.ExactlyOnce);
}

public sealed record AggregatorDrain(long Events, TimeSpan Elapsed, VerificationResult Verification, IReadOnlyDictionary<string, long> PeakRssBytes)
{
    public double EventsPerSecond => Events / Elapsed.TotalSeconds;
}

public sealed record FloodResult(long Events, TimeSpan SendTime, TimeSpan SendToQueryable, VerificationResult Verification)
{
    public double EventsPerSecond => Events / SendToQueryable.TotalSeconds;
}
