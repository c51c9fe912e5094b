using System.Globalization;
using LogDapr.Aggregator.Tests.Support;
using Npgsql;

namespace LogDapr.Aggregator.Tests.Store.Retention;

/// <summary>Rows written straight into a migrated database, and what is left of them, for the retention tests.</summary>
internal static class RetentionDatabase
{
    public static async Task InsertEventAsync(this MigratedDatabase db, string tenant, DateOnly day, string id, string message = "m")
    {
        await using var command = db.DataSource.CreateCommand("""
            INSERT INTO logdapr.log_events (tenant_id, event_day, event_id, ts, received_at, service, severity, host, message, attributes, trace_id, span_id, message_id)
            VALUES (@tenant, @day, @id, @ts, @ts + interval '1 second', 'api', 3, 'h1', @message, '{"k":"v"}'::jsonb, 'trace', 'span', 'msg-' || @id)
            """);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("day", day);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("ts", new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero));
        command.Parameters.AddWithValue("message", message);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The (tenant, day) pairs that still have events, as "tenant@offset" with offset = day - today.</summary>
    public static async Task<SortedSet<string>> EventDaysAsync(this MigratedDatabase db, DateOnly today)
    {
        var left = new SortedSet<string>(StringComparer.Ordinal);
        await using var command = db.DataSource.CreateCommand("SELECT DISTINCT tenant_id, event_day FROM logdapr.log_events");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            left.Add(reader.GetString(0) + "@" + (reader.GetFieldValue<DateOnly>(1).DayNumber - today.DayNumber).ToString(CultureInfo.InvariantCulture));
        }

        return left;
    }

    public static async Task<SortedSet<string>> PartitionsAsync(this MigratedDatabase db, string table)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        await using var command = db.DataSource.CreateCommand("""
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
            WHERE p.relname = @table
            """);
        command.Parameters.AddWithValue("table", table);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>Holds a retention job's advisory lock on a connection of its own, as another replica would.</summary>
    public static async Task<HeldLock> HoldLockAsync(this MigratedDatabase db, string name)
    {
        var connection = await db.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended(@name, 0))", connection);
        command.Parameters.AddWithValue("name", name);
        await command.ExecuteNonQueryAsync();
        return new HeldLock(connection);
    }

    /// <summary>Releases the lock explicitly: a pooled connection keeps its session, and its session locks, after Dispose.</summary>
    internal sealed class HeldLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using (var command = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", connection))
            {
                await command.ExecuteNonQueryAsync();
            }

            await connection.DisposeAsync();
        }
    }
}
