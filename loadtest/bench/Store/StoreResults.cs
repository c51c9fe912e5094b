using LogDapr.Bench.Report;
using LogDapr.LoadGen.Verification;

namespace LogDapr.Bench.Store;

/// <summary>Everything the store benchmark measured.</summary>
public sealed class StoreResults
{
    public required StorePlan Plan { get; init; }
    public required MachineInfo Machine { get; init; }
    public required string Command { get; init; }
    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;
    public TimeSpan Duration { get; set; }
    public string LoadBefore { get; init; } = MachineInfo.LoadAverage();
    public string LoadAfter { get; set; } = "?";

    public StoreDrain? Drain { get; set; }
    public StoreLag? Lag { get; set; }
    public StoreWriteResult? Write { get; set; }
    public SearchResult? Search { get; set; }
    public List<string> Problems { get; } = [];

    public bool Correct => Problems.Count == 0
        && Drain is { ExactlyOnce: true }
        && Lag is { ExactlyOnce: true }
        && Write is { ExactlyOnce: true }
        && Search is { Consistent: true };
}

/// <summary>A backlog queued while the store and the counter were stopped, stored from the store's readiness with the counter running.</summary>
/// <param name="Storing">From the first row's stored_at to the last's: the pace once deliveries reach the store.</param>
public sealed record StoreDrain(long Events, long Rows, TimeSpan Elapsed, TimeSpan Storing, VerificationResult Counting, IReadOnlyDictionary<string, long> PeakRssBytes)
{
    public double EventsPerSecond => Events / Elapsed.TotalSeconds;
    public double StoringEventsPerSecond => Storing > TimeSpan.Zero ? Events / Storing.TotalSeconds : double.NaN;
    public bool ExactlyOnce => Rows == Events && Counting.ExactlyOnce;
}

/// <summary>received_at (ingest's receive time, the CloudEvent time) to stored_at (the row's insert time), per event.</summary>
public sealed record StoreLag(double EventsPerSecond, long Events, long Rows, double P50Ms, double P99Ms, double MaxMs, VerificationResult? Counting)
{
    public bool ExactlyOnce => Rows == Events && (Counting?.ExactlyOnce ?? false);
}
