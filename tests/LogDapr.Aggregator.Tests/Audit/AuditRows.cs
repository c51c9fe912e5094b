using Npgsql;

namespace LogDapr.Aggregator.Tests.Audit;

/// <summary>The audit_log rows of a database, each as one line of its columns, for assertions.</summary>
internal static class AuditRows
{
    public sealed record Row(string Actor, string Action, string? Tenant, string? Resource, string? RemoteAddress, string Outcome, int Status, int Suppressed)
    {
        public string Text => string.Join('|', Actor, Action, Tenant, Resource, RemoteAddress, Outcome, Status, Suppressed);
    }

    public static async Task<List<Row>> ReadAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT actor, action, tenant_id, resource, remote_address, outcome, status_code, suppressed FROM logdapr.audit_log ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Row>();
        while (await reader.ReadAsync())
        {
            rows.Add(new Row(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5), reader.GetInt32(6), reader.GetInt32(7)));
        }

        return rows;
    }

    /// <summary>Every column of every row as text, the whole table at once: what must never hold a key or a payload.</summary>
    public static async Task<string> AllTextAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT coalesce(string_agg(a::text, E'\\n'), '') FROM logdapr.audit_log a", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    public static async Task ExecAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
