using LogDapr.TestSupport;
using LogDapr.Bench.Harness;
using LogDapr.Bench.Plan;
using LogDapr.Bench.Store;
using LogDapr.LoadTest.Tests.Support;
using Xunit.Abstractions;

namespace LogDapr.LoadTest.Tests.Smoke;

/// <summary>
/// The store benchmark (<c>--store --smoke</c>): the store drain, accept-to-stored, the statement against COPY and the
/// searches with and without the indexes, at a size that takes seconds. Asserts correctness only — every event
/// stored exactly once, row counts, the same search results with and without the indexes — never speed.
/// </summary>
public class StoreBenchmarkSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Store_smoke_run_stores_every_event_exactly_once_and_finds_the_same_rows_with_and_without_indexes()
    {
        var work = ScratchDirectory.NewPath("logdapr-bench-store-smoke", "run");
        using var cleanup = new ScratchDirectory.Lease(work);
        var options = new BenchOptions { RepoRoot = RepoPaths.Root, WorkDirectory = work, Command = "store smoke test", AllowInstall = false };
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var results = await new StoreSession(BenchPlan.Smoke, StorePlan.Smoke, options, output.WriteLine).RunAsync(timeout.Token);
        var markdown = StoreReport.Render(results);
        output.WriteLine(markdown);

        Assert.True(results.Correct, "the store smoke run found a problem:" + Environment.NewLine + markdown);

        // Every accepted event of the drain and of the steady run became exactly one row, and counting stayed exact.
        Assert.NotNull(results.Drain);
        Assert.True(results.Drain.Events > 0, "the drain queued nothing");
        Assert.Equal(results.Drain.Events, results.Drain.Rows);
        Assert.True(results.Drain.Counting.ExactlyOnce, results.Drain.Counting.Problem);
        Assert.NotNull(results.Lag);
        Assert.True(results.Lag.Events > 0, "the steady run accepted nothing");
        Assert.Equal(results.Lag.Events, results.Lag.Rows);

        // The statement stored each event once, a redelivery of every statement stored nothing, COPY wrote the same rows.
        Assert.NotNull(results.Write);
        Assert.Equal(StorePlan.Smoke.WriteEvents, results.Write.StoredFirstTime);
        Assert.Equal(0, results.Write.StoredOnRedelivery);
        Assert.Equal(StorePlan.Smoke.WriteEvents, results.Write.StatementSize.Rows);
        Assert.Equal(StorePlan.Smoke.WriteEvents, results.Write.CopySize.Rows);
        Assert.True(results.Write.StatementSize.BytesPerEvent > 0);

        // Every event loaded for the searches is there, and each search found the same rows with and without the indexes.
        Assert.NotNull(results.Search);
        Assert.Equal(StorePlan.Smoke.SearchEvents, results.Search.Events);
        Assert.Equal(StorePlan.Smoke.SearchEvents, results.Search.WithIndexes.Rows);
        Assert.True(results.Search.Consistent, "searches differ with and without the indexes");
        Assert.All(results.Search.With.Single(q => q.Id == "trace").Rows, n => Assert.Equal(SyntheticEvents.EventsPerTrace, n));

        Assert.Contains(StoreReport.Begin, markdown, StringComparison.Ordinal);
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
