using System.Diagnostics;
using LogDapr.LoadGen.Runner;

namespace LogDapr.LoadGen.Verification;

/// <summary>
/// Polls the metrics API for the run's tenants while the run goes on (the counted curve for the lag estimate), then
/// waits until the counts match what ingest accepted, and checks they stay there.
/// </summary>
public sealed class CountWatcher : IAsyncDisposable
{
    private readonly MetricsApiClient metrics;
    private readonly IReadOnlyList<string> tenantIds;
    private readonly DateTimeOffset from;
    private readonly TimeSpan pollInterval;
    private readonly List<ProgressSample> curve = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task polling;
    private long[] latest;
    private string? lastError;

    /// <param name="from">Earliest event timestamp of the run (the query starts a minute before it).</param>
    public CountWatcher(MetricsApiClient metrics, IReadOnlyList<string> tenantIds, DateTimeOffset from, TimeSpan pollInterval)
    {
        this.metrics = metrics;
        this.tenantIds = tenantIds;
        this.from = from.AddMinutes(-1);
        this.pollInterval = pollInterval;
        latest = new long[tenantIds.Count];
        polling = Task.Run(() => PollAsync(stop.Token));
    }

    public TimeSpan PollInterval => pollInterval;

    /// <summary>
    /// Waits until every tenant's count equals <paramref name="expectedPerTenant"/> (or <paramref name="timeout"/> passes),
    /// then — so a late duplicate cannot hide — until <paramref name="drained"/> says nothing is left in flight (or for
    /// <paramref name="settle"/> when no probe is given), and reads the counts a last time.
    /// </summary>
    public async Task<VerificationResult> CompleteAsync(
        IReadOnlyList<long> expectedPerTenant,
        IReadOnlyList<ProgressSample> acceptedCurve,
        TimeSpan timeout,
        TimeSpan settle,
        Func<CancellationToken, Task>? drained,
        CancellationToken cancellationToken)
    {
        var lastAccept = acceptedCurve.Count == 0 ? Stopwatch.GetTimestamp() : acceptedCurve[^1].Timestamp;
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        TimeSpan? allCounted = null;
        string? problem = null;
        while (true)
        {
            var counts = Volatile.Read(ref latest);
            if (Enumerable.Range(0, tenantIds.Count).Any(i => counts[i] > expectedPerTenant[i]))
            {
                problem = "more events counted than accepted (double counting)";
                break;
            }

            if (Enumerable.Range(0, tenantIds.Count).All(i => counts[i] == expectedPerTenant[i]))
            {
                allCounted = Stopwatch.GetElapsedTime(lastAccept);
                break;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                problem = $"not every accepted event was counted within {timeout.TotalSeconds:0}s" + (lastError is null ? "" : $" (last metrics API error: {lastError})");
                break;
            }

            await Task.Delay(pollInterval / 2, cancellationToken).ConfigureAwait(false);
        }

        if (drained is not null)
        {
            await drained(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await Task.Delay(settle, cancellationToken).ConfigureAwait(false);
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await polling.ConfigureAwait(false);
        var final = await ReadAllAsync(cancellationToken).ConfigureAwait(false);
        if (problem is null && Enumerable.Range(0, tenantIds.Count).Any(i => final[i] != expectedPerTenant[i]))
        {
            problem = "the counts changed after matching (late double counting)";
        }

        ProgressSample[] counted;
        lock (curve)
        {
            counted = [.. curve];
        }

        var perTenant = tenantIds.Select((t, i) => (t, expectedPerTenant[i], final[i])).ToList();
        var lag = LagEstimator.Estimate(acceptedCurve, counted, pollInterval);
        return new VerificationResult(expectedPerTenant.Sum(), final.Sum(), perTenant, allCounted, lag, problem);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await polling.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var next = Stopwatch.GetTimestamp() + (long)(pollInterval.TotalSeconds * Stopwatch.Frequency);
            try
            {
                var counts = await ReadAllAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref latest, counts);
                lock (curve)
                {
                    curve.Add(ProgressSample.Now(counts.Sum()));
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or KeyNotFoundException)
            {
                // The query API may be briefly unavailable (e.g. restarting); keep polling and report the last error if it never recovers.
                lastError = ex.Message;
            }

            var wait = TimeSpan.FromSeconds((next - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<long[]> ReadAllAsync(CancellationToken cancellationToken)
    {
        var to = DateTimeOffset.UtcNow.AddMinutes(2);
        var reads = tenantIds.Select(t => metrics.TotalAsync(t, from, to, cancellationToken)).ToArray();
        return await Task.WhenAll(reads).ConfigureAwait(false);
    }
}
