namespace LogDapr.Aggregator.Counting;

public static class Bucketing
{
    /// <summary>The start of the bucket holding <paramref name="timestamp"/>: floor to a multiple of the width since the Unix epoch, in UTC.</summary>
    public static DateTimeOffset Floor(DateTimeOffset timestamp, TimeSpan width)
    {
        var ticks = timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var floored = ticks - (((ticks % width.Ticks) + width.Ticks) % width.Ticks);
        return new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + floored, TimeSpan.Zero);
    }
}
