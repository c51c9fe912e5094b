using Npgsql;
using NpgsqlTypes;

namespace LogDapr.Bench.Store;

/// <summary>
/// The three searches the issue sets targets for, as GET /v1/logs sends them. Stand-in with the text of the search
/// query builder (wt/store-search, LogEventsSql.Search) until it is on main; then this delegates to it.
/// </summary>
public static class SearchStatements
{
    private const string Columns = "event_id, tenant_id, ts, received_at, service, severity, host, message, attributes::text, trace_id, span_id, message_id, stored_at, event_day";

    public static (string Sql, NpgsqlParameter[] Parameters) Search(
        string schema, string tenant, string? service, short? minSeverity, string? text, string? traceId, DateTimeOffset from, DateTimeOffset to, int limit)
    {
        var parameters = new List<NpgsqlParameter> { new("tenant", NpgsqlDbType.Text) { Value = tenant } };
        var sql = $"SELECT {Columns} FROM {schema}.log_events WHERE tenant_id = @tenant";
        if (service is not null)
        {
            sql += " AND service = @service";
            parameters.Add(new("service", NpgsqlDbType.Text) { Value = service });
        }

        if (traceId is not null)
        {
            sql += " AND trace_id = @trace_id";
            parameters.Add(new("trace_id", NpgsqlDbType.Text) { Value = traceId });
        }

        if (minSeverity is { } minimum)
        {
            sql += " AND severity >= @min_severity";
            parameters.Add(new("min_severity", NpgsqlDbType.Smallint) { Value = minimum });
        }

        if (text is not null)
        {
            sql += " AND to_tsvector('simple', left(message, 32768)) @@ websearch_to_tsquery('simple', @q)";
            parameters.Add(new("q", NpgsqlDbType.Text) { Value = text });
        }

        sql += " AND event_day BETWEEN @day_from AND @day_to AND ts >= @from AND ts < @to ORDER BY ts DESC, event_id DESC LIMIT @limit";
        parameters.Add(new("day_from", NpgsqlDbType.Date) { Value = DateOnly.FromDateTime(from.UtcDateTime) });
        parameters.Add(new("day_to", NpgsqlDbType.Date) { Value = DateOnly.FromDateTime(to.AddTicks(-1).UtcDateTime) });
        parameters.Add(new("from", NpgsqlDbType.TimestampTz) { Value = from.ToUniversalTime() });
        parameters.Add(new("to", NpgsqlDbType.TimestampTz) { Value = to.ToUniversalTime() });
        parameters.Add(new("limit", NpgsqlDbType.Integer) { Value = limit + 1 });
        return (sql, parameters.ToArray());
    }
}
