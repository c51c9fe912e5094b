using HdrHistogram;

namespace LogDapr.LoadGen.Metrics;

/// <summary>
/// Latencies (non-negative integers, e.g. microseconds) in an HdrHistogram with three significant digits, so every
/// value is kept within 1/1024 of itself whatever the range. HdrHistogram's own percentile rounds the rank; the
/// report wants nearest rank (the ceil(p/100·N)-th smallest value) and never an understatement, so that is computed
/// here from its recorded values. Exact min, max and sum are kept beside it: its own are bucket bounds.
/// Recording is thread-safe.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SignificantDigits = 3;

    private readonly LongConcurrentHistogram histogram;
    private long maxValue;
    private long minValue = long.MaxValue;
    private long sum;
    private long clamped;

    /// <param name="highestTrackableValue">Larger values are clamped to it (and counted in <see cref="Clamped"/>).</param>
    public LatencyHistogram(long highestTrackableValue = 3_600_000_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(highestTrackableValue, 2);
        HighestTrackableValue = highestTrackableValue;
        histogram = new LongConcurrentHistogram(1, highestTrackableValue, SignificantDigits);
    }

    public long HighestTrackableValue { get; }
    public long TotalCount => histogram.TotalCount;
    public long Clamped => Volatile.Read(ref clamped);
    public long Max => TotalCount == 0 ? 0 : Volatile.Read(ref maxValue);
    public long Min => TotalCount == 0 ? 0 : Volatile.Read(ref minValue);
    public double Mean => TotalCount == 0 ? 0 : (double)Volatile.Read(ref sum) / TotalCount;

    public void Record(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        if (value > HighestTrackableValue)
        {
            Interlocked.Increment(ref clamped);
            value = HighestTrackableValue;
        }

        // Min, max and sum first: a reader that sees the count also sees the value's effect on them.
        Interlocked.Add(ref sum, value);
        UpdateMax(value);
        UpdateMin(value);
        histogram.RecordValue(value);
    }

    /// <summary>
    /// The value at or below which <paramref name="percentile"/> percent of the recorded values fall (nearest rank),
    /// reported as the highest value its bucket can hold — so it never understates — and never above the largest value
    /// actually recorded.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        if (double.IsNaN(percentile) || percentile < 0 || percentile > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "a percentile is between 0 and 100");
        }

        var total = TotalCount;
        if (total == 0)
        {
            return 0;
        }

        var rank = Math.Clamp((long)Math.Ceiling(percentile / 100.0 * total - 1e-9), 1, total);
        foreach (var bucket in histogram.RecordedValues())
        {
            if (bucket.TotalCountToThisValue >= rank)
            {
                return Math.Min(bucket.ValueIteratedTo, Max);
            }
        }

        return Max;
    }

    /// <summary>The range of values counted together with <paramref name="value"/>.</summary>
    public (long Lowest, long Highest) EquivalentRange(long value)
        => (histogram.LowestEquivalentValue(value), histogram.HighestEquivalentValue(value));

    /// <summary>Adds another histogram's counts, e.g. to merge per-phase histograms.</summary>
    public void Add(LatencyHistogram other)
    {
        if (other.HighestTrackableValue != HighestTrackableValue)
        {
            throw new ArgumentException("histograms with different ranges cannot be merged", nameof(other));
        }

        Interlocked.Add(ref sum, Volatile.Read(ref other.sum));
        Interlocked.Add(ref clamped, other.Clamped);
        if (other.TotalCount > 0)
        {
            UpdateMax(other.Max);
            UpdateMin(other.Min);
        }

        histogram.Add(other.histogram);
    }

    private void UpdateMax(long value)
    {
        var current = Volatile.Read(ref maxValue);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref maxValue, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private void UpdateMin(long value)
    {
        var current = Volatile.Read(ref minValue);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref minValue, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
