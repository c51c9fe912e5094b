using System.Text.RegularExpressions;

namespace LogDapr.DevSidecar.Resiliency;

/// <summary>
/// Dapr's circuit breaker (sony/gobreaker semantics): closed until the trip condition holds, then open for
/// <see cref="OpenDuration"/>, then half-open allowing <see cref="MaxRequests"/> trial requests; a failure in
/// half-open reopens it. Only trip expressions over <c>consecutiveFailures</c> are supported.
/// </summary>
public sealed partial class CircuitBreaker
{
    private readonly object _gate = new();
    private readonly Func<DateTimeOffset> _clock;
    private BreakerState _state = BreakerState.Closed;
    private int _consecutiveFailures;
    private int _halfOpenInFlight;
    private DateTimeOffset _openedAt;
    private DateTimeOffset _intervalStart;

    public enum BreakerState { Closed, Open, HalfOpen }

    public CircuitBreaker(string name, int maxRequests, TimeSpan interval, TimeSpan openDuration, int tripThreshold, Func<DateTimeOffset>? clock = null)
    {
        Name = name;
        MaxRequests = Math.Max(1, maxRequests);
        Interval = interval;
        OpenDuration = openDuration;
        TripThreshold = tripThreshold;
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
        _intervalStart = _clock();
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
            lock (_gate)
            {
                Advance();
                return _state;
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
        lock (_gate)
        {
            Advance();
            switch (_state)
            {
                case BreakerState.Open:
                    return false;
                case BreakerState.HalfOpen when _halfOpenInFlight >= MaxRequests:
                    return false;
                case BreakerState.HalfOpen:
                    _halfOpenInFlight++;
                    return true;
                default:
                    return true;
            }
        }
    }

    public void OnSuccess()
    {
        lock (_gate)
        {
            if (_state == BreakerState.HalfOpen)
            {
                _state = BreakerState.Closed;
                _halfOpenInFlight = 0;
                _intervalStart = _clock();
            }

            _consecutiveFailures = 0;
        }
    }

    public void OnFailure()
    {
        lock (_gate)
        {
            if (_state == BreakerState.HalfOpen)
            {
                Open();
                return;
            }

            _consecutiveFailures++;
            if (_state == BreakerState.Closed && _consecutiveFailures >= TripThreshold)
            {
                Open();
            }
        }
    }

    private void Open()
    {
        _state = BreakerState.Open;
        _openedAt = _clock();
        _halfOpenInFlight = 0;
        _consecutiveFailures = 0;
    }

    private void Advance()
    {
        var now = _clock();
        if (_state == BreakerState.Open && now - _openedAt >= OpenDuration)
        {
            _state = BreakerState.HalfOpen;
            _halfOpenInFlight = 0;
        }
        else if (_state == BreakerState.Closed && Interval > TimeSpan.Zero && now - _intervalStart >= Interval)
        {
            // gobreaker clears the counts every interval while closed; 0 means never.
            _consecutiveFailures = 0;
            _intervalStart = now;
        }
    }

    [GeneratedRegex(@"^\s*consecutiveFailures\s*(?<op>>=|>)\s*(?<n>\d+)\s*$")]
    private static partial Regex TripRegex();
}
