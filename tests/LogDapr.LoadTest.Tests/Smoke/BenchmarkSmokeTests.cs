using LogDapr.TestSupport;
using LogDapr.Bench.Baselines;
using LogDapr.Bench.Harness;
using LogDapr.Bench.Plan;
using LogDapr.Bench.Report;
using LogDapr.LoadTest.Tests.Support;
using Xunit.Abstractions;

namespace LogDapr.LoadTest.Tests.Smoke;

/// <summary>
/// The benchmark's whole flow at a size that takes seconds: the ceiling, the stack, the baselines, the report.
/// Asserts correctness only — every event ingest accepted is counted exactly once, every baseline stored every
/// event — never speed: CI machines vary and share their cores.
/// </summary>
public class BenchmarkSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Smoke_run_counts_every_accepted_event_exactly_once_and_writes_the_report()
    {
        var work = ScratchDirectory.NewPath("logdapr-bench-smoke", "run");
        using var cleanup = new ScratchDirectory.Lease(work);
        // rsyslog is exercised when the machine has it; tests never install system packages.
        var options = Options(work, skipRsyslog: !RsyslogInstall.IsInstalled());
        var (results, markdown) = await RunAsync(BenchPlan.Smoke, options);

        Assert.True(results.Correct, "the smoke run found a counting problem:" + Environment.NewLine + markdown);
        var verified = results.Scenarios.Where(s => s.Verification is not null).ToList();
        Assert.Contains(verified, s => s.Id == "ingest-single");
        Assert.Contains(verified, s => s.Id == "pipeline-sustained");
        Assert.All(verified, s =>
        {
            Assert.True(s.Run.AcceptedEvents > 0, $"{s.Id} accepted nothing");
            Assert.Equal(s.Run.AcceptedEvents, s.Verification!.Counted);
            Assert.True(s.Verification.ExactlyOnce, $"{s.Id}: {s.Verification.Problem}");
            Assert.True(s.Run.RejectedEvents > 0, $"{s.Id}: the invalid events were not rejected");
        });
        Assert.NotNull(results.Drain);
        Assert.True(results.Drain.Verification.ExactlyOnce, results.Drain.Verification.Problem);
        Assert.True(results.Drain.PeakRssBytes.ContainsKey("store"), "the log store did not run beside the counter by default");
        // The drain is the backlog of both ingest runs, each counted exactly once.
        var ingest = results.Scenario("ingest-batch")!;
        Assert.Equal(BenchPlan.Smoke.Repeats, ingest.Spread!.Values.Count);
        Assert.True(results.Drain.Events > ingest.Run.AcceptedEvents, $"drained {results.Drain.Events} events, one run alone accepted {ingest.Run.AcceptedEvents}");
        Assert.Contains("## Run-to-run spread", markdown, StringComparison.Ordinal);
        Assert.NotNull(results.Copy);
        Assert.True(results.Copy.Complete, $"COPY stored {results.Copy.RowsInTable} of {results.Copy.Events} rows");
        if (!options.SkipRsyslog)
        {
            Assert.NotNull(results.Rsyslog);
            Assert.True(results.Rsyslog.Complete, $"rsyslog stored {results.Rsyslog.RowsInTable} of {results.Rsyslog.Events} rows");
        }

        // The services' share: the single-event rates again against a sidecar that acknowledges at once, which the
        // targets are judged on, with the whole pipeline reported beside them.
        var share = results.Scenarios.Where(s => s.Id.EndsWith(BenchResults.ServicesShareSuffix, StringComparison.Ordinal)).ToList();
        Assert.Equal(["ingest-single-services", "ingest-single-high-services"], share.Select(s => s.Id));
        Assert.All(share, s =>
        {
            Assert.Null(s.Verification);
            Assert.True(s.Run.AcceptedEvents > 0, $"{s.Id} accepted nothing");
            Assert.Contains("sidecar discarding publishes", s.Title, StringComparison.Ordinal);
        });
        Assert.Contains("req/s: no 503 and p99 < 10 ms, services' share", markdown, StringComparison.Ordinal);
        Assert.Contains("whole pipeline with the development sidecar storing (reported; the target is on the services' share)", markdown, StringComparison.Ordinal);

        Assert.Contains(MarkdownReport.Begin, markdown, StringComparison.Ordinal);
        Assert.Contains("## Side by side", markdown, StringComparison.Ordinal);
        TryDelete(work);
    }

    /// <summary>
    /// <c>--sink-only --without-store</c>: the counter alone drains what ingest queued (no store consumer group, so
    /// nothing else shares Postgres and the cores), exactly once, beside COPY of as many rows.
    /// </summary>
    [Fact]
    public async Task Sink_run_without_the_store_drains_exactly_once_with_no_store_running()
    {
        var work = ScratchDirectory.NewPath("logdapr-bench-sink", "run");
        using var cleanup = new ScratchDirectory.Lease(work);
        var options = Options(work, skipRsyslog: true) with { WithoutStore = true };
        var (results, markdown) = await RunAsync(BenchPlan.Smoke with { SinkOnly = true, MicroBenchmarks = false, Repeats = 1 }, options);

        Assert.True(results.Correct, "the sink run found a counting problem:" + Environment.NewLine + markdown);
        Assert.NotNull(results.Drain);
        Assert.True(results.Drain.Events > 0, "nothing was queued for the aggregator to drain");
        Assert.True(results.Drain.Verification.ExactlyOnce, results.Drain.Verification.Problem);
        Assert.False(results.Drain.PeakRssBytes.ContainsKey("store"), "a log store ran although the run was without it");
        Assert.NotNull(results.Copy);
        Assert.True(results.Copy.Complete, $"COPY stored {results.Copy.RowsInTable} of {results.Copy.Events} rows");
        Assert.DoesNotContain(results.Scenarios, s => s.Id is "ingest-single" or "pipeline-sustained" or "pipeline-flood");
        Assert.Contains("The counting pipeline alone", markdown, StringComparison.Ordinal);
        TryDelete(work);
    }

    private static BenchOptions Options(string work, bool skipRsyslog) => new()
    {
        RepoRoot = RepoPaths.Root,
        WorkDirectory = work,
        Command = "smoke test",
        AllowInstall = false,
        SkipRsyslog = skipRsyslog,
    };

    private async Task<(BenchResults Results, string Markdown)> RunAsync(BenchPlan plan, BenchOptions options)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var results = await new BenchSession(plan, options, output.WriteLine).RunAsync(timeout.Token);
        var markdown = MarkdownReport.Render(results);
        output.WriteLine(markdown);
        return (results, markdown);
    }

    private static void TryDelete(string work)
    {
        try
        {
            Directory.Delete(work, recursive: true);
        }
        catch (IOException)
        {
            // Postgres files owned by another user (root runs) may linger; the temp directory is cleaned by the OS.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
