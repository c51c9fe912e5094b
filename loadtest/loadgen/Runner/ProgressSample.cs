using System.Diagnostics;

namespace LogDapr.LoadGen.Runner;

/// <summary>A point of a cumulative curve: at <see cref="Timestamp"/> (<see cref="Stopwatch"/> ticks), <see cref="Total"/> events.</summary>
public readonly record struct ProgressSample(long Timestamp, long Total)
{
    public static ProgressSample Now(long total) => new(Stopwatch.GetTimestamp(), total);
}
