using System.Text.RegularExpressions;

namespace LogDapr.DevSidecar.Resiliency;

/// <summary>
/// Dapr's circuit breaker (sony/gobreaker semantics): closed until the trip condition holds, then open for
/// <see cref="OpenDuration"/>, then half-open allowing <see cref="MaxRequests"/> trial requests; a failure in
/// half-open reopens it. Only trip expressions over <c>consecutiveFailures</c> are supported.
/// </summary>
public sealed partial class CircuitBreaker
{
    private readonly object gate = new();
    private readonly Func<DateTimeOffset> clock;
    private BreakerState state = BreakerState.Closed;
    private int consecutiveFailures;
    private int halfOpenInFlight;
    private DateTimeOffset openedAt;
    private DateTimeOffset intervalStart;

    public enum BreakerState { Closed, Open, HalfOpen }

    public CircuitBreaker(string name, int maxRequests, TimeSpan interval, TimeSpan openDuration, int tripThreshold, Func<DateTimeOffset>? clock = null)
    {
        Name = name;
        MaxRequests = Math.Max(1, maxRequests);
        Interval = interval;
        OpenDuration = openDuration;
        TripThreshold = tripThreshold;
        this.clock = clock ?? (() => DateTimeOffset.UtcNow);
        intervalStart = this.clock();
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
                Advance();
                return state;
            }
        }
    }

    /// <summary>Parses <c>consecutiveFailures &gt;= N</c> or <c>&gt; N</c> into the failure count that trips.</summary>
    public static bool TryParseTrip(string? expression, out int threshold)
    {
        threshold = 6; // Dapr's default: consecutiveFailures > 5
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

    /// <summary>Reserves a call; false means the circuit is open and the call must fail fast.</summary>
    public bool TryEnter()
    {
        lock (gate)
        {
            Advance();
            switch (state)
            {
                case BreakerState.Open:
                    return false;
                case BreakerState.HalfOpen when halfOpenInFlight >= MaxRequests:
                    return false;
                case BreakerState.HalfOpen:
                    halfOpenInFlight++;
                    return true;
                default:
                    return true;
            }
        }
    }

    public void OnSuccess()
    {
        lock (gate)
        {
            if (state == BreakerState.HalfOpen)
            {
                state = BreakerState.Closed;
                halfOpenInFlight = 0;
                intervalStart = this.clock();
            }

            this.consecutiveFailures = 0;
        }
    }

    public void OnFailure()
    {
        lock (gate)
        {
            if (state == BreakerState.HalfOpen)
            {
                Open();
                return;
            }

            this.consecutiveFailures++;
            if (state == BreakerState.Closed && this.consecutiveFailures >= TripThreshold)
            {
                Open();
            }
        }
    }

    private void Open()
    {
        state = BreakerState.Open;
        openedAt = this.clock();
        halfOpenInFlight = 0;
        this.consecutiveFailures = 0;
    }

    private void Advance()
    {
        var now = this.clock();
        if (state == BreakerState.Open && now - openedAt >= OpenDuration)
        {
            state = BreakerState.HalfOpen;
            halfOpenInFlight = 0;
        }
        else if (state == BreakerState.Closed && Interval > TimeSpan.Zero && now - intervalStart >= Interval)
        {
            // gobreaker clears the counts every interval while closed; 0 means never.
            this.consecutiveFailures = 0;
            intervalStart = now;
        }
    }

    [GeneratedRegex(@"^\s*consecutiveFailures\s*(?<op>>=|>)\s*(?<n>\d+)\s*$")]
    private static partial Regex TripRegex();
}
