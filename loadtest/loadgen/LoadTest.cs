using LogDapr.LoadGen.Http;
using LogDapr.LoadGen.Payload;
using LogDapr.LoadGen.Runner;
using LogDapr.LoadGen.Verification;

namespace LogDapr.LoadGen;

/// <summary>A whole run: build the payloads, watch the metrics API, send on schedule, then verify the counts.</summary>
public static class LoadTest
{
    public sealed record Options
    {
        public required LoadProfile Profile { get; init; }
        public required PayloadOptions Payload { get; init; }

        /// <summary>Aggregator base URL for the read-back; null skips verification.</summary>
        public Uri? MetricsUrl { get; init; }

        public TimeSpan VerifyTimeout { get; init; } = TimeSpan.FromMinutes(2);
        public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

        /// <summary>Without a drain probe, how long the counts must stay right after first matching.</summary>
        public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(2);

        /// <summary>Completes when nothing is left in flight in the pipeline (e.g. the dev sidecar's topics view).</summary>
        public Func<CancellationToken, Task>? Drained { get; init; }
    }

    public static async Task<(RunResult Run, VerificationResult? Verification)> RunAsync(
        Options options, IReadOnlyList<RequestTemplate>? templates = null, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        templates ??= PayloadFactory.Build(options.Payload);
        using var http = LoadHttpClient.Create(options.Profile.MaxInFlight, options.Profile.RequestTimeout);
        var runner = new OpenLoopRunner(http, options.Profile, templates);
        if (options.MetricsUrl is null)
        {
            return (await runner.RunAsync(progress, cancellationToken).ConfigureAwait(false), null);
        }

        using var metricsHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var metrics = new MetricsApiClient(metricsHttp, options.MetricsUrl, options.Profile.ApiKey);
        var tenantIds = Enumerable.Range(0, options.Payload.Tenants).Select(options.Payload.TenantId).ToList();
        await using var watcher = new CountWatcher(metrics, tenantIds, DateTimeOffset.UtcNow, options.PollInterval);
        var run = await runner.RunAsync(progress, cancellationToken).ConfigureAwait(false);
        progress?.Report($"sent; waiting until the metrics API shows all {run.AcceptedEvents:N0} accepted events");
        var verification = await watcher.CompleteAsync(run.AcceptedPerTenant, run.AcceptedCurve, options.VerifyTimeout, options.Settle, options.Drained, cancellationToken)
            .ConfigureAwait(false);
        return (run, verification);
    }
}
