using System.Text;
using System.Text.Json;
using LogDapr.Contracts.Events;
using Npgsql;
using NpgsqlTypes;

namespace LogDapr.Aggregator.Store.Search;

/// <summary>
/// Builds the reads of log_events (migration 0007 has the index each relies on). Pure. Values are only ever bound
/// as parameters; the text varies only by which filters are present. Every read names the tenant and an event_day
/// range derived from its time bounds, so the planner prunes to the days asked for.
/// </summary>
public static class LogEventsSql
{
    /// <summary>The full-text expression: the same as the index's (0007), or the index is not used.</summary>
    public const string Document = "to_tsvector('simple', left(message, 32768))";

    private const string Columns = "event_id, tenant_id, ts, received_at, service, severity, host, message, attributes::text, trace_id, span_id, message_id, stored_at, event_day";

    /// <summary>A page of GET /v1/logs: [from, to), after the cursor's (ts, event_id), newest first, one row more than the limit.</summary>
    public static SqlStatement Search(string schema, LogFilter filter, DateTimeOffset from, DateTimeOffset to, LogCursor? after, int limit)
    {
        var parameters = new List<NpgsqlParameter>();
        var sql = new StringBuilder($"SELECT {Columns} FROM {schema}.log_events WHERE ");
        AppendFilter(sql, parameters, filter);
        AppendWindow(sql, parameters, from, to);
        if (after is not null)
        {
            sql.Append(" AND (ts, event_id) < (@after_ts, @after_id)");
            parameters.Add(new NpgsqlParameter("after_ts", NpgsqlDbType.TimestampTz) { Value = after.Timestamp.ToUniversalTime() });
            parameters.Add(new NpgsqlParameter("after_id", NpgsqlDbType.Text) { Value = after.EventId });
        }

        sql.Append(" ORDER BY ts DESC, event_id DESC LIMIT @limit");
        parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = limit + 1 });
        return new SqlStatement(sql.ToString(), parameters);
    }

    /// <summary>One event by id, the newest if the same id was used on several days.</summary>
    public static SqlStatement ById(string schema, string tenant, string id)
    {
        List<NpgsqlParameter> parameters =
        [
            new("tenant", NpgsqlDbType.Text) { Value = tenant },
            new("id", NpgsqlDbType.Text) { Value = id },
        ];
        return new SqlStatement($"SELECT {Columns} FROM {schema}.log_events WHERE tenant_id = @tenant AND event_id = @id ORDER BY ts DESC LIMIT 1", parameters);
    }

    /// <summary>
    /// Lines of the event's tenant, service and host next to it, within a day of it: older ones newest first
    /// (<paramref name="older"/>) or newer ones oldest first.
    /// </summary>
    public static SqlStatement Around(string schema, StoredEvent anchor, bool older, int count)
    {
        var span = TimeSpan.FromDays(1);
        var filter = new LogFilter(anchor.Tenant, anchor.Service, null, null, null, null, null, []);
        var parameters = new List<NpgsqlParameter>();
        var sql = new StringBuilder($"SELECT {Columns} FROM {schema}.log_events WHERE ");
        AppendFilter(sql, parameters, filter);
        sql.Append(" AND host IS NOT DISTINCT FROM @anchor_host");
        parameters.Add(new NpgsqlParameter("anchor_host", NpgsqlDbType.Text) { Value = (object?)anchor.Host ?? DBNull.Value });
        var from = older ? anchor.Timestamp - span : anchor.Timestamp;
        var to = older ? anchor.Timestamp.AddTicks(1) : anchor.Timestamp + span;
        AppendWindow(sql, parameters, Max(from, DateTimeOffset.UnixEpoch), to);
        sql.Append(older
            ? " AND (ts, event_id) < (@anchor_ts, @anchor_id) ORDER BY ts DESC, event_id DESC LIMIT @limit"
            : " AND (ts, event_id) > (@anchor_ts, @anchor_id) ORDER BY ts, event_id LIMIT @limit");
        parameters.Add(new NpgsqlParameter("anchor_ts", NpgsqlDbType.TimestampTz) { Value = anchor.Timestamp.ToUniversalTime() });
        parameters.Add(new NpgsqlParameter("anchor_id", NpgsqlDbType.Text) { Value = anchor.Id });
        parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = count });
        return new SqlStatement(sql.ToString(), parameters);
    }

    /// <summary>
    /// Rows stored after (since, sinceId) in stored_at order, of events whose day is within a day of now (a tail
    /// shows what arrives now; an event stamped days ago and stored now is searchable, not tailed).
    /// </summary>
    public static SqlStatement StoredSince(string schema, LogFilter filter, DateTimeOffset since, string sinceId, DateTimeOffset now, int limit)
    {
        var parameters = new List<NpgsqlParameter>();
        var sql = new StringBuilder($"SELECT {Columns} FROM {schema}.log_events WHERE ");
        AppendFilter(sql, parameters, filter);
        sql.Append(" AND event_day BETWEEN @day_from AND @day_to AND stored_at >= @since AND (stored_at, event_id) > (@since, @since_id)"
            + " ORDER BY stored_at, event_id LIMIT @limit");
        parameters.Add(new NpgsqlParameter("day_from", NpgsqlDbType.Date) { Value = Day(now.AddDays(-1)) });
        parameters.Add(new NpgsqlParameter("day_to", NpgsqlDbType.Date) { Value = Day(now.AddDays(1)) });
        parameters.Add(new NpgsqlParameter("since", NpgsqlDbType.TimestampTz) { Value = since.ToUniversalTime() });
        parameters.Add(new NpgsqlParameter("since_id", NpgsqlDbType.Text) { Value = sinceId });
        parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = limit });
        return new SqlStatement(sql.ToString(), parameters);
    }

    /// <summary>An event as the API shows it, with where it sits in stored_at order.</summary>
    public static (StoredEvent Event, DateTimeOffset StoredAt, DateOnly Day) Read(NpgsqlDataReader reader)
    {
        var attributes = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(8)) ?? [];
        var severity = (Severity)reader.GetInt16(5);
        var stored = new StoredEvent(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetFieldValue<DateTimeOffset>(2),
            reader.GetFieldValue<DateTimeOffset>(3),
            reader.GetString(4),
            SeverityNames.ToWire(severity),
            reader.IsDBNull(6) ? null : reader.GetString(6),
            reader.GetString(7),
            attributes,
            reader.IsDBNull(9) ? null : reader.GetString(9),
            reader.IsDBNull(10) ? null : reader.GetString(10),
            reader.GetString(11));
        return (stored, reader.GetFieldValue<DateTimeOffset>(12), reader.GetFieldValue<DateOnly>(13));
    }

    private static void AppendFilter(StringBuilder sql, List<NpgsqlParameter> parameters, LogFilter filter)
    {
        sql.Append("tenant_id = @tenant");
        parameters.Add(new NpgsqlParameter("tenant", NpgsqlDbType.Text) { Value = filter.Tenant ?? throw new ArgumentException("The filter's tenant is not decided.", nameof(filter)) });
        Equal(sql, parameters, "service", filter.Service);
        Equal(sql, parameters, "host", filter.Host);
        Equal(sql, parameters, "trace_id", filter.TraceId);
        if (filter.Severity is { } severity)
        {
            sql.Append(" AND severity = @severity");
            parameters.Add(new NpgsqlParameter("severity", NpgsqlDbType.Smallint) { Value = (short)severity });
        }

        if (filter.MinSeverity is { } minimum)
        {
            sql.Append(" AND severity >= @min_severity");
            parameters.Add(new NpgsqlParameter("min_severity", NpgsqlDbType.Smallint) { Value = (short)minimum });
        }

        if (filter.Text is { } text)
        {
            // websearch_to_tsquery never raises on user input: words AND, "phrases", -exclusion, "or".
            sql.Append($" AND {Document} @@ websearch_to_tsquery('simple', @q)");
            parameters.Add(new NpgsqlParameter("q", NpgsqlDbType.Text) { Value = text });
        }

        if (filter.Attributes.Count > 0)
        {
            sql.Append(" AND attributes @> @attributes");
            parameters.Add(new NpgsqlParameter("attributes", NpgsqlDbType.Jsonb)
            {
                Value = JsonSerializer.Serialize(filter.Attributes.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal)),
            });
        }
    }

    private static void AppendWindow(StringBuilder sql, List<NpgsqlParameter> parameters, DateTimeOffset from, DateTimeOffset to)
    {
        // event_day is the UTC day of ts: these bounds add nothing to the ts condition but let the planner prune.
        sql.Append(" AND event_day BETWEEN @day_from AND @day_to AND ts >= @from AND ts < @to");
        parameters.Add(new NpgsqlParameter("day_from", NpgsqlDbType.Date) { Value = Day(from) });
        parameters.Add(new NpgsqlParameter("day_to", NpgsqlDbType.Date) { Value = Day(to.AddTicks(-1)) });
        parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = from.ToUniversalTime() });
        parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = to.ToUniversalTime() });
    }

    private static void Equal(StringBuilder sql, List<NpgsqlParameter> parameters, string column, string? value)
    {
        if (value is not null)
        {
            // Column names are this method's constants, never input.
            sql.Append($" AND {column} = @{column}");
            parameters.Add(new NpgsqlParameter(column, NpgsqlDbType.Text) { Value = value });
        }
    }

    private static DateOnly Day(DateTimeOffset time) => DateOnly.FromDateTime(time.UtcDateTime);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
