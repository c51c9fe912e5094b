using LogDapr.Bench.Report;

namespace LogDapr.LoadTest.Tests.Report;

/// <summary>The report's run-to-run spread: the median run's figure, the range, and "noisy" above 15 % of the median.</summary>
public sealed class RunSpreadTests
{
    [Fact]
    public void Runs_that_differ_by_more_than_15_percent_of_the_median_are_noisy()
    {
        var spread = new RunSpread("events/s", "events/s", [120_000, 100_000, 95_000]);

        Assert.Equal(100_000, spread.Median);
        Assert.Equal(95_000, spread.Min);
        Assert.Equal(120_000, spread.Max);
        Assert.Equal(0.25, spread.Share, 3);
        Assert.True(spread.IsNoisy);
    }

    [Fact]
    public void Runs_within_15_percent_are_not_noisy_and_one_run_never_is()
    {
        Assert.False(new RunSpread("p99 latency", "ms", [10.0, 11.0, 9.8]).IsNoisy);
        Assert.False(new RunSpread("p99 latency", "ms", [10.0]).IsNoisy);
        Assert.Equal("10.50 ms", new RunSpread("p99 latency", "ms", [10.5]).Format(10.5));
    }
}
