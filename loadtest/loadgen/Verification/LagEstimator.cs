using System.Diagnostics;
using LogDapr.LoadGen.Runner;

namespace LogDapr.LoadGen.Verification;

/// <summary>
/// Estimates end-to-end lag from two cumulative curves — events accepted by ingest and events visible in the metrics
/// API — as the horizontal distance between them (the time the n-th event waited, assuming first in, first counted).
/// Both curves are interpolated linearly between samples, which halves the error of reading them as steps. Pure.
/// </summary>
public static class LagEstimator
{
    public static LagSummary? Estimate(IReadOnlyList<ProgressSample> accepted, IReadOnlyList<ProgressSample> counted, TimeSpan resolution, int points = 1000)
    {
        var total = Math.Min(Last(accepted), Last(counted));
        if (total <= 0)
        {
            return null;
        }

        var lags = new List<double>(points);
        for (var i = 1; i <= points; i++)
        {
            var n = Math.Max(1, (long)Math.Ceiling(total * (double)i / points));
            var acceptedAt = TimeToReach(accepted, n);
            var countedAt = TimeToReach(counted, n);
            if (acceptedAt is { } a && countedAt is { } c)
            {
                lags.Add(Math.Max(0, c - a));
            }
        }

        if (lags.Count == 0)
        {
            return null;
        }

        lags.Sort();
        return new LagSummary(At(lags, 50), At(lags, 90), At(lags, 99), TimeSpan.FromSeconds(lags[^1]), resolution);
    }

    /// <summary>Seconds (on the Stopwatch clock) when the curve first reaches <paramref name="n"/>, interpolated; null if never.</summary>
    internal static double? TimeToReach(IReadOnlyList<ProgressSample> curve, long n)
    {
        for (var i = 0; i < curve.Count; i++)
        {
            if (curve[i].Total < n)
            {
                continue;
            }

            var at = Seconds(curve[i].Timestamp);
            if (i == 0 || curve[i].Total == curve[i - 1].Total)
            {
                return at;
            }

            var before = curve[i - 1];
            var fraction = (double)(n - before.Total) / (curve[i].Total - before.Total);
            return Seconds(before.Timestamp) + (fraction * (at - Seconds(before.Timestamp)));
        }

        return null;
    }

    private static long Last(IReadOnlyList<ProgressSample> curve) => curve.Count == 0 ? 0 : curve.Max(s => s.Total);

    private static double Seconds(long timestamp) => timestamp / (double)Stopwatch.Frequency;

    private static TimeSpan At(List<double> sorted, double percentile)
    {
        var rank = Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count), 1, sorted.Count);
        return TimeSpan.FromSeconds(sorted[rank - 1]);
    }
}
