namespace LogDapr.Aggregator.Store.Partitions;

/// <summary>Which daily partitions of log_events should exist. Pure, so the rule is tested without a database.</summary>
public static class EventPartitionPlan
{
    /// <summary>
    /// Every day still within the longest retention (late events of those days land in their own partition, not in
    /// the default one) through <paramref name="daysAhead"/> days ahead (clocks ahead of the database's).
    /// </summary>
    public static IReadOnlyList<DateOnly> DaysToEnsure(DateOnly today, int longestRetentionDays, int daysAhead)
    {
        var days = new List<DateOnly>(longestRetentionDays + daysAhead + 1);
        for (var day = today.AddDays(-longestRetentionDays); day <= today.AddDays(daysAhead); day = day.AddDays(1))
        {
            days.Add(day);
        }

        return days;
    }
}
