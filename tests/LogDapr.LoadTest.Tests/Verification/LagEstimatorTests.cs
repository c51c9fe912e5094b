using System.Diagnostics;
using LogDapr.LoadGen.Runner;
using LogDapr.LoadGen.Verification;

namespace LogDapr.LoadTest.Tests.Verification;

public class LagEstimatorTests
{
    private static ProgressSample At(double seconds, long total) => new((long)(seconds * Stopwatch.Frequency), total);

    [Fact]
    public void A_constant_delay_between_accepting_and_counting_is_the_lag()
    {
        // 1,000 events/s accepted from t=0 to t=10; counted the same way 1.5 s later.
        var accepted = Enumerable.Range(0, 101).Select(i => At(i * 0.1, i * 100L)).ToList();
        var counted = Enumerable.Range(0, 101).Select(i => At(1.5 + (i * 0.1), i * 100L)).ToList();
        var lag = LagEstimator.Estimate(accepted, counted, TimeSpan.FromMilliseconds(100))!;
        Assert.Equal(1.5, lag.P50.TotalSeconds, 3);
        Assert.Equal(1.5, lag.P99.TotalSeconds, 3);
        Assert.Equal(1.5, lag.Max.TotalSeconds, 3);
    }

    [Fact]
    public void A_stall_shows_in_the_tail_not_the_median()
    {
        // Accepted steadily over 10 s; the last 10% are counted only at t=20 (a stalled aggregator).
        var accepted = Enumerable.Range(0, 11).Select(i => At(i, i * 1000L)).ToList();
        var counted = new List<ProgressSample> { At(0, 0) };
        counted.AddRange(Enumerable.Range(1, 9).Select(i => At(i + 0.2, i * 1000L)));
        counted.Add(At(19.9, 9000));
        counted.Add(At(20, 10_000));
        var lag = LagEstimator.Estimate(accepted, counted, TimeSpan.FromMilliseconds(100))!;
        Assert.InRange(lag.P50.TotalSeconds, 0.19, 0.21);
        Assert.InRange(lag.P99.TotalSeconds, 9.5, 11);
        // The first event counted at 19.9 s was accepted at ~9.0 s.
        Assert.InRange(lag.Max.TotalSeconds, 10.8, 11.0);
    }

    [Fact]
    public void Interpolates_between_samples()
    {
        var curve = new[] { At(0, 0), At(1, 100), At(2, 100), At(3, 400) };
        Assert.Equal(0.5, LagEstimator.TimeToReach(curve, 50)!.Value, 6);
        Assert.Equal(2.0 + (1.0 / 3.0), LagEstimator.TimeToReach(curve, 200)!.Value, 6);
        Assert.Null(LagEstimator.TimeToReach(curve, 401));
    }

    [Fact]
    public void Nothing_counted_gives_no_estimate()
        => Assert.Null(LagEstimator.Estimate([At(0, 0), At(1, 10)], [At(0, 0)], TimeSpan.FromMilliseconds(200)));
}
