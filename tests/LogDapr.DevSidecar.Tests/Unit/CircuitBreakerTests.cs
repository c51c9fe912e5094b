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

    [Fact]
    public void Half_open_closes_after_max_requests_successes_and_late_results_of_an_older_generation_do_not_count()
    {
        var now = DateTimeOffset.UnixEpoch;
        var breaker = new CircuitBreaker("b", maxRequests: 2, interval: TimeSpan.Zero, openDuration: TimeSpan.FromSeconds(10), tripThreshold: 1, clock: () => now);

        Assert.True(breaker.TryEnter(out var slow)); // still running when the breaker opens
        Assert.True(breaker.TryEnter(out var failing));
        breaker.OnFailure(failing);
        Assert.Equal(CircuitBreaker.BreakerState.Open, breaker.State);

        now += TimeSpan.FromSeconds(11);
        Assert.True(breaker.TryEnter(out var first));
        Assert.True(breaker.TryEnter(out var second));
        Assert.False(breaker.TryEnter());
        breaker.OnFailure(slow); // began before the breaker opened: gobreaker ignores it
        breaker.OnSuccess(first);
        Assert.Equal(CircuitBreaker.BreakerState.HalfOpen, breaker.State);
        breaker.OnSuccess(second);
        Assert.Equal(CircuitBreaker.BreakerState.Closed, breaker.State);
    }

    [Fact]
    public void Closed_counts_are_cleared_every_interval()
    {
        var now = DateTimeOffset.UnixEpoch;
        var breaker = new CircuitBreaker("b", maxRequests: 1, interval: TimeSpan.FromSeconds(5), openDuration: TimeSpan.FromSeconds(10), tripThreshold: 2, clock: () => now);

        breaker.TryEnter();
        breaker.OnFailure();
        now += TimeSpan.FromSeconds(6);
        breaker.TryEnter();
        breaker.OnFailure();
        Assert.Equal(CircuitBreaker.BreakerState.Closed, breaker.State);
        breaker.TryEnter();
        breaker.OnFailure();
        Assert.Equal(CircuitBreaker.BreakerState.Open, breaker.State);
    }

    [Fact]
    public async Task The_runner_retries_inside_the_breaker_stops_at_an_open_circuit_and_reports_its_own_timeout()
    {
        var breaker = new CircuitBreaker("b", maxRequests: 1, interval: TimeSpan.Zero, openDuration: TimeSpan.FromMinutes(1), tripThreshold: 2);
        var policy = new ComponentPolicy(null, RetryPolicy.Constant("r", TimeSpan.Zero, 5), breaker);
        var calls = 0;
        await Assert.ThrowsAsync<CircuitOpenException>(() => OutboundPolicyRunner.ExecuteAsync<int>(policy, _ => { calls++; throw new InvalidOperationException("down"); }, CancellationToken.None));
        Assert.Equal(2, calls); // two failures trip it; the third attempt is refused and not retried

        var slow = new ComponentPolicy(TimeSpan.FromMilliseconds(20), RetryPolicy.Constant("r", TimeSpan.Zero, 1), null);
        calls = 0;
        var timeout = await Assert.ThrowsAsync<PolicyTimeoutException>(() => OutboundPolicyRunner.ExecuteAsync(slow, async ct => { calls++; await Task.Delay(Timeout.Infinite, ct); return 0; }, CancellationToken.None));
        Assert.Equal("timeout of 20ms exceeded", timeout.Message);
        Assert.Equal(2, calls);

        var flaky = new ComponentPolicy(null, RetryPolicy.Constant("r", TimeSpan.Zero, 2), null);
        calls = 0;
        Assert.Equal(7, await OutboundPolicyRunner.ExecuteAsync(flaky, _ => ++calls < 3 ? throw new InvalidOperationException("again") : Task.FromResult(7), CancellationToken.None));
    }
}
