using LogDapr.DevSidecar.Resiliency;

namespace LogDapr.DevSidecar.Tests.Unit;

public class CircuitBreakerTests
{
    [Theory]
    [InlineData("consecutiveFailures >= 10", 10)]
    [InlineData("consecutiveFailures > 5", 6)]
    [InlineData(null, 6)]
    public void Parses_trip_expressions(string? trip, int threshold)
    {
        Assert.True(CircuitBreaker.TryParseTrip(trip, out var n));
        Assert.Equal(threshold, n);
    }

    [Fact]
    public void Rejects_unsupported_trip_expressions() =>
        Assert.False(CircuitBreaker.TryParseTrip("requests > 3 && totalFailures > 2", out _));

    [Fact]
    public void Opens_after_threshold_then_half_opens_after_timeout()
    {
        var now = DateTimeOffset.UnixEpoch;
        var breaker = new CircuitBreaker("b", maxRequests: 1, interval: TimeSpan.Zero, openDuration: TimeSpan.FromSeconds(30), tripThreshold: 2, clock: () => now);

        Assert.True(breaker.TryEnter());
        breaker.OnFailure();
        Assert.True(breaker.TryEnter());
        breaker.OnFailure();
        Assert.False(breaker.TryEnter());

        now += TimeSpan.FromSeconds(31);
        Assert.True(breaker.TryEnter());
        Assert.False(breaker.TryEnter()); // only maxRequests trial calls while half-open
        breaker.OnSuccess();
        Assert.Equal(CircuitBreaker.BreakerState.Closed, breaker.State);
    }
}
