using LogDapr.Aggregator.Tests.Support;

namespace LogDapr.Aggregator.Tests.Store.Archive;

internal static class ArchiveTestRows
{
    /// <summary>What the database holds of a tenant-day, in the fields an archive line carries, by id.</summary>
    public static async Task<Dictionary<string, string>> StoredAsync(MigratedDatabase db, string tenant, DateOnly day)
    {
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = db.DataSource.CreateCommand("""
            SELECT event_id, concat_ws('|', tenant_id, ts, received_at, service, severity, host, message, attributes::text, trace_id, span_id, message_id)
            FROM logdapr.log_events WHERE tenant_id = @tenant AND event_day = @day
            """);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("day", day);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0), reader.GetString(1));
        }

        return rows;
    }

}
