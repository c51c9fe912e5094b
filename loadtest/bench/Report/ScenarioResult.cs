using LogDapr.LoadGen.Runner;
using LogDapr.LoadGen.Verification;

namespace LogDapr.Bench.Report;

/// <summary>
/// One load-generator run of the benchmark, with the read-back and the peak memory of the processes under test. A
/// scenario run several times is reported by its median run, with <see cref="Spread"/> holding every run's figure.
/// </summary>
public sealed record ScenarioResult(
    string Id,
    string Title,
    string System,
    RunResult Run,
    VerificationResult? Verification,
    IReadOnlyDictionary<string, long> PeakRssBytes,
    string Note = "")
{
    public RunSpread? Spread { get; init; }
}
