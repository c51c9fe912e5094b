using System.Globalization;

namespace LogDapr.Aggregator.Database.Partitions;

/// <summary>
/// Which daily partitions of processed_messages should exist and which have aged out. Pure, so the retention
/// rule is tested without a database; <see cref="PartitionMaintenance"/> carries it out.
/// </summary>
public static class DedupPartitionPlan
{
    public const string PartitionPrefix = "processed_messages_p";
    private const string DayFormat = "yyyyMMdd";

    /// <summary>Yesterday through three days ahead, so a database clock near midnight always finds its day's partition.</summary>
    public static IReadOnlyList<DateOnly> DaysToEnsure(DateOnly today)
        => [today.AddDays(-1), today, today.AddDays(1), today.AddDays(2), today.AddDays(3)];

    public static string PartitionName(DateOnly day) => PartitionPrefix + day.ToString(DayFormat, CultureInfo.InvariantCulture);

    public static bool TryParseDay(string partitionName, out DateOnly day)
    {
        day = default;
        return partitionName.StartsWith(PartitionPrefix, StringComparison.Ordinal)
            && DateOnly.TryParseExact(partitionName[PartitionPrefix.Length..], DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    /// <summary>A partition is dropped once every message in it is older than the retention window.</summary>
    public static bool IsExpired(DateOnly partitionDay, DateOnly today, int retentionDays)
        => partitionDay < today.AddDays(-retentionDays);
}
