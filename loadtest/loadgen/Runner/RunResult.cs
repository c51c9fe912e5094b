using LogDapr.LoadGen.Metrics;

namespace LogDapr.LoadGen.Runner;

/// <summary>Everything one run measured on the client side. Latencies are in microseconds.</summary>
public sealed record RunResult
{
    public required LoadProfile Profile { get; init; }
    public required int EventsPerRequest { get; init; }
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp of the first intended send.</summary>
    public required long StartTimestamp { get; init; }

    /// <summary>From the first intended send to the last completion.</summary>
    public required TimeSpan Elapsed { get; init; }

    public required long Scheduled { get; init; }
    public required long Sent { get; init; }

    /// <summary>Due but not sent because <see cref="LoadProfile.MaxInFlight"/> requests were in flight.</summary>
    public required long DroppedAtCap { get; init; }

    /// <summary>Due but never dispatched because the run was cancelled.</summary>
    public required long Cancelled { get; init; }

    public required long Completed { get; init; }

    /// <summary>HTTP status -> responses.</summary>
    public required IReadOnlyDictionary<int, long> Statuses { get; init; }

    /// <summary>Failures without an HTTP answer (timeout, connection refused/reset) by kind.</summary>
    public required IReadOnlyDictionary<string, long> TransportErrors { get; init; }

    /// <summary>400s for requests whose events were all invalid on purpose: the expected answer.</summary>
    public required long ExpectedRejections { get; init; }

    /// <summary>202s whose accepted count differs from the valid events sent (a partial publish or a validation bug).</summary>
    public required long AcceptedMismatches { get; init; }

    public required long AcceptedEvents { get; init; }
    public required long RejectedEvents { get; init; }
    public required IReadOnlyList<long> AcceptedPerTenant { get; init; }

    /// <summary>Response time from the intended send time (includes any wait for the dispatcher or a connection).</summary>
    public required LatencyHistogram Latency { get; init; }

    /// <summary>How late the dispatcher handed requests to the client: the generator's own contribution to latency.</summary>
    public required LatencyHistogram DispatchLag { get; init; }

    /// <summary>Cumulative accepted events over time (for the end-to-end lag estimate).</summary>
    public required IReadOnlyList<ProgressSample> AcceptedCurve { get; init; }

    public double RequestsPerSecond => Completed / Seconds;
    public double EventsPerSecond => AcceptedEvents / Seconds;
    public double OfferedRequestsPerSecond => Profile.RequestsPerSecond;
    public long SuccessfulRequests => Statuses.TryGetValue(202, out var n) ? n : 0;

    /// <summary>Responses that are neither a 202 nor an expected 400, plus transport failures.</summary>
    public long Errors => Completed - SuccessfulRequests - ExpectedRejections + TransportErrors.Values.Sum();

    private double Seconds => Math.Max(Elapsed.TotalSeconds, 1e-9);
}
