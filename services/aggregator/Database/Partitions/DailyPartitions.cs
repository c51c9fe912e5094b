using System.Globalization;
using Npgsql;

namespace LogDapr.Aggregator.Database.Partitions;

/// <summary>
/// A table partitioned by range of a date column into daily partitions <c>&lt;table&gt;_pYYYYMMDD</c> plus
/// <c>&lt;table&gt;_default</c>: naming, listing and creating them. Creating a partition moves the rows of that day out of
/// the default partition first, in the same transaction, so it never fails because the default partition already
/// holds that day.
/// </summary>
public sealed class DailyPartitions(string table, string dayColumn)
{
    private const string DayFormat = "yyyyMMdd";

    public static DailyPartitions ProcessedMessages { get; } = new("processed_messages", "first_seen_day");

    public static DailyPartitions LogEvents { get; } = new("log_events", "event_day");

    public string Table { get; } = table;

    public string DayColumn { get; } = dayColumn;

    public string DefaultPartition => Table + "_default";

    private string Prefix => Table + "_p";

    public string PartitionName(DateOnly day) => Prefix + day.ToString(DayFormat, CultureInfo.InvariantCulture);

    public bool TryParseDay(string partitionName, out DateOnly day)
    {
        day = default;
        return partitionName.StartsWith(Prefix, StringComparison.Ordinal)
            && DateOnly.TryParseExact(partitionName[Prefix.Length..], DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    /// <summary>The names of every partition attached to the table, the default one included.</summary>
    public async Task<HashSet<string>> ListAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT c.relname
            FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent
            JOIN pg_namespace n ON n.oid = p.relnamespace
            WHERE n.nspname = @schema AND p.relname = @table
            """, connection);
        command.Parameters.AddWithValue("schema", schema);
        command.Parameters.AddWithValue("table", Table);
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>Creates the day's partition, moving that day's rows out of the default partition.</summary>
    /// <returns>The partition's name.</returns>
    public async Task<string> CreateAsync(NpgsqlConnection connection, string schema, DateOnly day, CancellationToken cancellationToken)
    {
        var name = PartitionName(day);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // DDL takes no bind parameters; the bounds are formatted from DateOnly values, never from input. LIKE copies
        // no indexes: ATTACH builds the partitioned table's indexes on the new partition.
        var from = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await using var command = new NpgsqlCommand($"""
            CREATE TABLE {schema}.{name} (LIKE {schema}.{Table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
            WITH moved AS (
                DELETE FROM {schema}.{DefaultPartition} WHERE {DayColumn} = DATE '{from}' RETURNING *)
            INSERT INTO {schema}.{name} SELECT * FROM moved;
            ALTER TABLE {schema}.{Table} ATTACH PARTITION {schema}.{name}
                FOR VALUES FROM ('{from}') TO ('{to}');
            """, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return name;
    }
}
