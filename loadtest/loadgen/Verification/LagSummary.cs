namespace LogDapr.LoadGen.Verification;

/// <summary>
/// End-to-end lag: for the n-th accepted event, the time from when the n-th event was accepted (its 202) to when the
/// metrics API first showed n events counted. Resolution is bounded by the poll interval of the metrics API.
/// </summary>
public sealed record LagSummary(TimeSpan P50, TimeSpan P90, TimeSpan P99, TimeSpan Max, TimeSpan Resolution);
