namespace LogDapr.ServiceDefaults.Observability.Stats;

/// <summary>Collects the sections of one /v1/stats answer; keys are snake_case so the JSON reads like the metric names.</summary>
public sealed class StatsSnapshotBuilder
{
    internal SortedDictionary<string, object> Counts { get; } = new(StringComparer.Ordinal);
    internal SortedDictionary<string, long> InFlight { get; } = new(StringComparer.Ordinal);
    internal SortedDictionary<string, object?> State { get; } = new(StringComparer.Ordinal);

    public StatsSnapshotBuilder Count(string name, long value)
    {
        Counts[name] = value;
        return this;
    }

    /// <summary>A count split by a label (e.g. rejections by reason), shown as a nested object.</summary>
    public StatsSnapshotBuilder Count(string name, IReadOnlyDictionary<string, long> byLabel)
    {
        Counts[name] = new SortedDictionary<string, long>(byLabel.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
        return this;
    }

    public StatsSnapshotBuilder Working(string name, long value)
    {
        InFlight[name] = value;
        return this;
    }

    /// <summary>Any other state worth a glance (e.g. whether the rate limiter runs degraded).</summary>
    public StatsSnapshotBuilder Note(string name, object? value)
    {
        State[name] = value;
        return this;
    }
}
