using LogDapr.LoadGen.Metrics;

namespace LogDapr.LoadTest.Tests.Metrics;

public class LatencyHistogramTests
{
    [Fact]
    public void Small_values_are_exact_and_percentiles_use_nearest_rank()
    {
        var histogram = new LatencyHistogram();
        for (var v = 1; v <= 100; v++)
        {
            histogram.Record(v);
        }

        Assert.Equal(50, histogram.ValueAtPercentile(50));
        Assert.Equal(90, histogram.ValueAtPercentile(90));
        Assert.Equal(99, histogram.ValueAtPercentile(99));
        Assert.Equal(100, histogram.ValueAtPercentile(99.9));
        Assert.Equal(100, histogram.ValueAtPercentile(100));
        Assert.Equal(1, histogram.ValueAtPercentile(0));
        Assert.Equal(50.5, histogram.Mean);
        Assert.Equal((1, 100), (histogram.Min, histogram.Max));
    }

    [Fact]
    public void Percentiles_of_one_value_are_that_value()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(1_234_567);
        Assert.Equal(1_234_567, histogram.ValueAtPercentile(50));
        Assert.Equal(1_234_567, histogram.ValueAtPercentile(99.9));
    }

    [Fact]
    public void An_empty_histogram_reports_zero()
        => Assert.Equal(0, new LatencyHistogram().ValueAtPercentile(99));

    [Fact]
    public void Every_value_maps_to_a_slot_that_holds_it_within_a_thousandth()
    {
        var histogram = new LatencyHistogram();
        var random = new Random(3);
        for (var i = 0; i < 200_000; i++)
        {
            var value = i < 5000 ? i : (long)Math.Exp(random.NextDouble() * Math.Log(histogram.HighestTrackableValue));
            var (low, high) = histogram.EquivalentRange(value);
            Assert.InRange(value, low, high);
            Assert.True(high - low <= Math.Max(0, value / 1024.0), $"slot [{low}, {high}] of {value} is wider than 1/1024 of it");
        }
    }

    [Fact]
    public void Slots_are_contiguous_and_ordered()
    {
        var histogram = new LatencyHistogram(highestTrackableValue: 1 << 20);
        for (long value = 0; value < 1 << 20;)
        {
            var (low, high) = histogram.EquivalentRange(value);
            Assert.Equal(value, low);
            Assert.True(high >= low);
            value = high + 1;
        }
    }

    [Theory]
    [InlineData(50.0)]
    [InlineData(90.0)]
    [InlineData(99.0)]
    [InlineData(99.9)]
    public void Percentiles_match_the_sorted_values_within_the_precision_and_never_understate(double percentile)
    {
        var random = new Random(11);
        var values = Enumerable.Range(0, 100_000).Select(_ => (long)(random.NextDouble() * random.NextDouble() * 5_000_000)).ToArray();
        var histogram = new LatencyHistogram();
        foreach (var v in values)
        {
            histogram.Record(v);
        }

        Array.Sort(values);
        var exact = values[(int)Math.Ceiling(percentile / 100 * values.Length) - 1];
        var reported = histogram.ValueAtPercentile(percentile);
        Assert.InRange(reported, exact, exact + Math.Max(1, exact / 1024));
    }

    [Fact]
    public void Values_above_the_range_are_clamped_and_counted()
    {
        var histogram = new LatencyHistogram(highestTrackableValue: 10_000);
        histogram.Record(50_000);
        Assert.Equal(1, histogram.Clamped);
        Assert.Equal(10_000, histogram.Max);
    }

    [Fact]
    public void Concurrent_recording_loses_nothing()
    {
        var histogram = new LatencyHistogram();
        Parallel.For(0, 8, worker =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                histogram.Record(i % 5000);
            }
        });

        Assert.Equal(400_000, histogram.TotalCount);
        Assert.Equal(4999, histogram.Max);
    }

    [Fact]
    public void Merging_adds_the_counts()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        a.Record(10);
        b.Record(20_000);
        b.Record(30);
        a.Add(b);
        Assert.Equal(3, a.TotalCount);
        Assert.Equal(30, a.ValueAtPercentile(66));
        Assert.InRange(a.ValueAtPercentile(100), 20_000, 20_020);
    }

    [Fact]
    public void Rejects_negative_values_and_percentiles_outside_0_to_100()
    {
        var histogram = new LatencyHistogram();
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.Record(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.ValueAtPercentile(100.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.ValueAtPercentile(double.NaN));
    }
}
