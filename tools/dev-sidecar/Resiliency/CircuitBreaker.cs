using System.Text.RegularExpressions;

namespace LogDapr.DevSidecar.Resiliency;

/// <summary>
/// daprd's circuit breaker, which is sony/gobreaker v0.5.0 (dapr v1.16.0 go.mod; pkg/resiliency/breaker/circuitbreaker.go)
/// with a trip expression over its counts. Closed: counts are cleared every <see cref="Interval"/> (0 = never) and the
/// breaker opens when the trip holds after a failure. Open: calls fail at once for <see cref="OpenDuration"/>. Half-open:
/// at most <see cref="MaxRequests"/> calls; a failure reopens it, <see cref="MaxRequests"/> consecutive successes close it.
/// Each state change starts a new generation and a call that began in an older one does not count.
/// Kept by hand rather than Polly's breaker: Polly trips on a failure ratio over a sampling window and lets one probe
/// through half-open, so it cannot say "consecutiveFailures &gt; N" or maxRequests; this runs as a Polly strategy instead
/// (<see cref="CircuitBreakerStrategy"/>).
/// </summary>
public sealed partial class CircuitBreaker
{
    private readonly object gate = new();
    private readonly Func<DateTimeOffset> clock;
    private BreakerState state = BreakerState.Closed;
    private long generation;
    private int requests;
    private int consecutiveSuccesses;
    private int consecutiveFailures;
    private DateTimeOffset? expiry;

    public enum BreakerState { Closed, Open, HalfOpen }

    public CircuitBreaker(string name, int maxRequests, TimeSpan interval, TimeSpan openDuration, int tripThreshold, Func<DateTimeOffset>? clock = null)
    {
        Name = name;
        MaxRequests = Math.Max(1, maxRequests); // gobreaker: 0 means 1
        Interval = interval;
        OpenDuration = openDuration;
        TripThreshold = tripThreshold;
        this.clock = clock ?? (() => DateTimeOffset.UtcNow);
        NewGeneration(this.clock());
    }

    public string Name { get; }
    public int MaxRequests { get; }
    public TimeSpan Interval { get; }
    public TimeSpan OpenDuration { get; }

    /// <summary>The breaker trips when consecutive failures reach this number.</summary>
    public int TripThreshold { get; }

    public BreakerState State
    {
        get
        {
            lock (gate)
            {
                return Current(this.clock());
            }
        }
    }

    /// <summary>Parses <c>consecutiveFailures &gt;= N</c> or <c>&gt; N</c> into the failure count that trips.</summary>
    public static bool TryParseTrip(string? expression, out int threshold)
    {
        threshold = 6; // gobreaker's default ReadyToTrip: consecutiveFailures > 5
        if (string.IsNullOrWhiteSpace(expression))
        {
            return true;
        }

        var match = TripRegex().Match(expression);
        if (!match.Success)
        {
            return false;
        }

        var n = int.Parse(match.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture);
        threshold = match.Groups["op"].Value == ">=" ? n : n + 1;
        threshold = Math.Max(1, threshold);
        return true;
    }

    /// <summary>Reserves a call; false means the circuit is open (or half-open and full) and the call must fail fast.</summary>
    public bool TryEnter() => TryEnter(out _);

    /// <summary>As <see cref="TryEnter()"/>, with the generation to report the call's result against.</summary>
    public bool TryEnter(out long callGeneration)
    {
        lock (gate)
        {
            var current = Current(this.clock());
            callGeneration = generation;
            if (current == BreakerState.Open || (current == BreakerState.HalfOpen && requests >= MaxRequests))
            {
                return false;
            }

            requests++;
            return true;
        }
    }

    public void OnSuccess() => OnSuccess(CurrentGeneration());

    public void OnSuccess(long callGeneration)
    {
        lock (gate)
        {
            var now = this.clock();
            var current = Current(now);
            if (callGeneration != generation || current == BreakerState.Open)
            {
                return;
            }

            consecutiveSuccesses++;
            consecutiveFailures = 0;
            if (current == BreakerState.HalfOpen && consecutiveSuccesses >= MaxRequests)
            {
                SetState(BreakerState.Closed, now);
            }
        }
    }

    public void OnFailure() => OnFailure(CurrentGeneration());

    public void OnFailure(long callGeneration)
    {
        lock (gate)
        {
            var now = this.clock();
            var current = Current(now);
            if (callGeneration != generation)
            {
                return;
            }

            switch (current)
            {
                case BreakerState.Closed:
                    consecutiveFailures++;
                    consecutiveSuccesses = 0;
                    if (consecutiveFailures >= TripThreshold)
                    {
                        SetState(BreakerState.Open, now);
                    }

                    break;
                case BreakerState.HalfOpen:
                    SetState(BreakerState.Open, now);
                    break;
            }
        }
    }

    private long CurrentGeneration()
    {
        lock (gate)
        {
            Current(this.clock());
            return generation;
        }
    }

    /// <summary>gobreaker's currentState: a closed interval that ran out starts a new generation; an open one that did half-opens.</summary>
    private BreakerState Current(DateTimeOffset now)
    {
        if (state == BreakerState.Closed && expiry is { } end && end < now)
        {
            NewGeneration(now);
        }
        else if (state == BreakerState.Open && expiry < now)
        {
            SetState(BreakerState.HalfOpen, now);
        }

        return state;
    }

    private void SetState(BreakerState next, DateTimeOffset now)
    {
        if (state != next)
        {
            state = next;
            NewGeneration(now);
        }
    }

    private void NewGeneration(DateTimeOffset now)
    {
        generation++;
        requests = consecutiveSuccesses = consecutiveFailures = 0;
        expiry = state switch
        {
            BreakerState.Closed => Interval > TimeSpan.Zero ? now + Interval : null,
            BreakerState.Open => now + OpenDuration,
            _ => null,
        };
    }

    [GeneratedRegex(@"^\s*consecutiveFailures\s*(?<op>>=|>)\s*(?<n>\d+)\s*$")]
    private static partial Regex TripRegex();
}
