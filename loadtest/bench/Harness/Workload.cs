using LogDapr.LoadGen;
using LogDapr.LoadGen.Payload;
using LogDapr.LoadGen.Runner;
using LogDapr.LoadGen.Verification;

namespace LogDapr.Bench.Harness;

/// <summary>The requests of one scenario and the options they were built from (which name its tenants).</summary>
public sealed record Workload(PayloadOptions Payload, IReadOnlyList<RequestTemplate> Templates)
{
    public static Workload Build(PayloadOptions payload) => new(payload, PayloadFactory.Build(payload));

    /// <summary>
    /// Sends these requests to <paramref name="ingest"/>'s /v1/logs on an open schedule and, with a metrics URL, verifies
    /// the counts once <paramref name="drain"/> (if any) says the pipeline is drained.
    /// </summary>
    public Task<(RunResult Run, VerificationResult? Verification)> RunAsync(
        Uri ingest, Uri? metricsUrl, double rate, int concurrency, TimeSpan duration, SidecarDrain? drain,
        TimeSpan verifyTimeout, TimeSpan pollInterval, CancellationToken cancellationToken)
        => LoadTest.RunAsync(new LoadTest.Options
        {
            Profile = new LoadProfile
            {
                TargetUrl = new Uri(ingest, "/v1/logs"),
                RequestsPerSecond = rate,
                Duration = duration,
                MaxInFlight = concurrency,
            },
            Payload = Payload,
            MetricsUrl = metricsUrl,
            VerifyTimeout = verifyTimeout,
            PollInterval = pollInterval,
            Drained = drain is null ? null : ct => drain.WaitAsync(verifyTimeout, ct),
        }, Templates, progress: null, cancellationToken);
}
