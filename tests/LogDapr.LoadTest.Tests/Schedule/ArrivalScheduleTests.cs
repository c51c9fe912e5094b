using LogDapr.LoadGen.Schedule;

namespace LogDapr.LoadTest.Tests.Schedule;

public class ArrivalScheduleTests
{
    [Theory]
    [InlineData(100, 1.0, 100)]
    [InlineData(5000, 15.0, 75_000)]
    [InlineData(3, 1.0, 3)]
    [InlineData(0.5, 10.0, 5)]
    [InlineData(7, 0.5, 4)]
    public void Holds_rate_times_duration_requests_rounded_up(double rate, double seconds, long expected)
        => Assert.Equal(expected, new ArrivalSchedule(rate, TimeSpan.FromSeconds(seconds)).Count);

    [Fact]
    public void Requests_are_evenly_spaced_from_time_zero()
    {
        var schedule = new ArrivalSchedule(4, TimeSpan.FromSeconds(1));
        Assert.Equal(
            [TimeSpan.Zero, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(750)],
            Enumerable.Range(0, 4).Select(i => schedule.IntendedOffset(i)));
    }

    [Fact]
    public void Fractional_intervals_do_not_drift()
    {
        // 3 req/s: 333.33.. ms apart; the 3,000th request must be due at exactly 1,000 s, not 999.999 s.
        var schedule = new ArrivalSchedule(3, TimeSpan.FromHours(1));
        Assert.Equal(TimeSpan.FromSeconds(1000), schedule.IntendedOffset(3000));
        Assert.Equal(TimeSpan.FromTicks(3_333_333), schedule.IntendedOffset(1));
        Assert.Equal(TimeSpan.FromTicks(6_666_667), schedule.IntendedOffset(2));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(3.0)]
    [InlineData(7.0)]
    [InlineData(5000.0)]
    [InlineData(123_457.0)]
    public void DueBy_counts_exactly_the_requests_whose_time_has_come(double rate)
    {
        var schedule = new ArrivalSchedule(rate, TimeSpan.FromSeconds(2));
        var random = new Random(7);
        for (var probe = 0; probe < 2000; probe++)
        {
            var at = TimeSpan.FromTicks(random.NextInt64(-10, TimeSpan.FromSeconds(2.5).Ticks));
            var due = schedule.DueBy(at);
            Assert.InRange(due, 0, schedule.Count);
            if (due > 0)
            {
                Assert.True(schedule.IntendedOffset(due - 1) <= at, $"request {due - 1} counted as due at {at} but is due at {schedule.IntendedOffset(due - 1)}");
            }

            if (due < schedule.Count)
            {
                Assert.True(schedule.IntendedOffset(due) > at, $"request {due} is due at {schedule.IntendedOffset(due)} but not counted at {at}");
            }
        }
    }

    [Fact]
    public void Each_request_becomes_due_exactly_at_its_intended_time()
    {
        var schedule = new ArrivalSchedule(997, TimeSpan.FromSeconds(3));
        for (long i = 0; i < schedule.Count; i++)
        {
            var at = schedule.IntendedOffset(i);
            Assert.Equal(i + 1, schedule.DueBy(at));
            Assert.Equal(i, schedule.DueBy(at - TimeSpan.FromTicks(1)));
        }
    }

    [Fact]
    public void Nothing_is_due_before_the_start_and_everything_after_the_end()
    {
        var schedule = new ArrivalSchedule(10, TimeSpan.FromSeconds(1));
        Assert.Equal(0, schedule.DueBy(TimeSpan.FromTicks(-1)));
        Assert.Equal(1, schedule.DueBy(TimeSpan.Zero));
        Assert.Equal(10, schedule.DueBy(TimeSpan.FromDays(1)));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Rejects_a_rate_that_is_not_positive_and_finite(double rate)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new ArrivalSchedule(rate, TimeSpan.FromSeconds(1)));
}
