namespace LogDapr.EndToEnd.Tests.Support;

public static class Models
{
    /// <summary>A traffic model whose events fall in the ten whole minutes ending two minutes ago.</summary>
    public static TrafficModel Recent(int seed)
    {
        var now = DateTimeOffset.UtcNow;
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        return new TrafficModel(seed, minute.AddMinutes(-(TrafficModel.MinuteSpread + 2)));
    }
}
