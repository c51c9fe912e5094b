namespace LogDapr.Aggregator.Database.Partitions;

/// <summary>
/// Which daily partitions of processed_messages should exist and which have aged out. Pure, so the retention
/// rule is tested without a database; <see cref="PartitionMaintenance"/> carries it out.
/// </summary>
public static class DedupPartitionPlan
{

    /// <summary>Yesterday through three days ahead, so a database clock near midnight always finds its day's partition.</summary>
    public static IReadOnlyList<DateOnly> DaysToEnsure(DateOnly today)
        => [today.AddDays(-1), today, today.AddDays(1), today.AddDays(2), today.AddDays(3)];

    public static string PartitionName(DateOnly day) => DailyPartitions.ProcessedMessages.PartitionName(day);

    public static bool TryParseDay(string partitionName, out DateOnly day) => DailyPartitions.ProcessedMessages.TryParseDay(partitionName, out day);

    /// <summary>A partition is dropped once every message in it is older than the retention window.</summary>
    public static bool IsExpired(DateOnly partitionDay, DateOnly today, int retentionDays)
        => partitionDay < today.AddDays(-retentionDays);
}
