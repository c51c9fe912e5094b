using System.Numerics;

namespace LogDapr.LoadGen.Metrics;

/// <summary>
/// An HDR-style (log-linear) histogram of non-negative integer values, e.g. microseconds. Values below
/// 2^<see cref="SubBucketBits"/> are counted exactly; above, each power-of-two range is split into
/// 2^(<see cref="SubBucketBits"/>-1) equal slots, so every value is stored with a relative error below
/// 2^-(<see cref="SubBucketBits"/>-1) (0.1% for the default 11 bits: three significant digits) in a fixed,
/// small array whatever the range. Recording is lock-free and thread-safe; reading while recording gives a
/// consistent-enough snapshot for progress output, and exact figures once recording has stopped.
/// </summary>
public sealed class LatencyHistogram
{
    public const int DefaultSubBucketBits = 11;

    private readonly long[] counts;
    private readonly int halfCount;
    private long totalCount;
    private long maxValue;
    private long minValue = long.MaxValue;
    private long sum;
    private long clamped;

    /// <param name="highestTrackableValue">Larger values are clamped to it (and counted in <see cref="Clamped"/>).</param>
    public LatencyHistogram(long highestTrackableValue = 3_600_000_000, int subBucketBits = DefaultSubBucketBits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(subBucketBits, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(subBucketBits, 20);
        ArgumentOutOfRangeException.ThrowIfLessThan(highestTrackableValue, 1L << subBucketBits);
        SubBucketBits = subBucketBits;
        HighestTrackableValue = highestTrackableValue;
        halfCount = 1 << (subBucketBits - 1);
        counts = new long[IndexOf(highestTrackableValue) + 1];
    }

    public int SubBucketBits { get; }
    public long HighestTrackableValue { get; }
    public long TotalCount => Volatile.Read(ref totalCount);
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

        Interlocked.Increment(ref counts[IndexOf(value)]);
        Interlocked.Increment(ref totalCount);
        Interlocked.Add(ref sum, value);
        UpdateMax(value);
        UpdateMin(value);
    }

    /// <summary>
    /// The value at or below which <paramref name="percentile"/> percent of the recorded values fall (nearest rank:
    /// the ceil(p/100·N)-th smallest value), reported as the highest value its slot can hold — so it never
    /// understates — and never above the largest value actually recorded.
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
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += Volatile.Read(ref counts[i]);
            if (seen >= rank)
            {
                return Math.Min(HighestEquivalentValue(i), Max);
            }
        }

        return Max;
    }

    /// <summary>Adds another histogram's counts (same bucket layout), e.g. to merge per-phase histograms.</summary>
    public void Add(LatencyHistogram other)
    {
        if (other.SubBucketBits != SubBucketBits || other.counts.Length != counts.Length)
        {
            throw new ArgumentException("histograms with different layouts cannot be merged", nameof(other));
        }

        for (var i = 0; i < counts.Length; i++)
        {
            Interlocked.Add(ref counts[i], other.counts[i]);
        }

        Interlocked.Add(ref totalCount, other.TotalCount);
        Interlocked.Add(ref sum, Volatile.Read(ref other.sum));
        Interlocked.Add(ref clamped, other.Clamped);
        if (other.TotalCount > 0)
        {
            UpdateMax(other.Max);
            UpdateMin(other.Min);
        }
    }

    /// <summary>The slot a value is counted in.</summary>
    internal int IndexOf(long value)
    {
        if (value < (long)halfCount << 1)
        {
            return (int)value;
        }

        // The value's top bit is at position m >= SubBucketBits; dropping the low (m - SubBucketBits + 1) bits keeps
        // SubBucketBits significant bits, whose top bit is always set, so the slot within the range is the rest.
        var magnitude = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = magnitude - SubBucketBits + 1;
        return (halfCount << 1) + ((shift - 1) * halfCount) + (int)((value >> shift) - halfCount);
    }

    /// <summary>The smallest value counted in slot <paramref name="index"/>.</summary>
    internal long LowestEquivalentValue(int index)
    {
        var full = halfCount << 1;
        if (index < full)
        {
            return index;
        }

        var shift = ((index - full) / halfCount) + 1;
        var significant = ((index - full) % halfCount) + halfCount;
        return (long)significant << shift;
    }

    /// <summary>The largest value counted in slot <paramref name="index"/>.</summary>
    internal long HighestEquivalentValue(int index)
    {
        var full = halfCount << 1;
        if (index < full)
        {
            return index;
        }

        var shift = ((index - full) / halfCount) + 1;
        return LowestEquivalentValue(index) + (1L << shift) - 1;
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
