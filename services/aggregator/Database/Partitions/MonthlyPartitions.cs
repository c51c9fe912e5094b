using System.Globalization;
using Npgsql;

namespace LogDapr.Aggregator.Database.Partitions;

/// <summary>
/// A table partitioned by range of a timestamptz column into UTC months <c>&lt;table&gt;_pYYYYMM</c> plus
/// <c>&lt;table&gt;_default</c> (migration 0008): naming, listing and creating them. Creating a month moves its rows out
/// of the default partition first, in the same transaction, as <see cref="DailyPartitions"/> does for days.
/// </summary>
public sealed class MonthlyPartitions(string table, string column)
{
    private const string MonthFormat = "yyyyMM";

    public static MonthlyPartitions LogCounts { get; } = new("log_counts", "bucket_start");

    public static MonthlyPartitions BucketSeries { get; } = new("bucket_series", "bucket_start");

    public string Table { get; } = table;

    public string DefaultPartition => Table + "_default";

    private string Prefix => Table + "_p";

    /// <summary>The first day of the month <paramref name="day"/> is in.</summary>
    public static DateOnly MonthOf(DateOnly day) => new(day.Year, day.Month, 1);

    public string PartitionName(DateOnly month) => Prefix + month.ToString(MonthFormat, CultureInfo.InvariantCulture);

    public bool TryParseMonth(string partitionName, out DateOnly month)
    {
        month = default;
        return partitionName.StartsWith(Prefix, StringComparison.Ordinal)
            && DateOnly.TryParseExact(partitionName[Prefix.Length..], MonthFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out month);
    }

    public Task<HashSet<string>> ListAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
        => new DailyPartitions(Table, column).ListAsync(connection, schema, cancellationToken);

    /// <summary>Creates the month's partition, moving that month's rows out of the default partition.</summary>
    public async Task<string> CreateAsync(NpgsqlConnection connection, string schema, DateOnly month, CancellationToken cancellationToken)
    {
        var name = PartitionName(month);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // DDL takes no bind parameters; the bounds are formatted from DateOnly values, never from input.
        var from = month.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00+00";
        var to = month.AddMonths(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00+00";
        await using var command = new NpgsqlCommand($"""
            CREATE TABLE {schema}.{name} (LIKE {schema}.{Table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
            WITH moved AS (
                DELETE FROM {schema}.{DefaultPartition}
                WHERE {column} >= TIMESTAMPTZ '{from}' AND {column} < TIMESTAMPTZ '{to}' RETURNING *)
            INSERT INTO {schema}.{name} SELECT * FROM moved;
            ALTER TABLE {schema}.{Table} ATTACH PARTITION {schema}.{name}
                FOR VALUES FROM ('{from}') TO ('{to}');
            """, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return name;
    }
}
