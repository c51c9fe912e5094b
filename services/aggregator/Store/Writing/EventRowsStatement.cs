using System.Buffers;
using System.Text.Json;
using LogDapr.Aggregator.Database;
using LogDapr.Aggregator.Sink;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Store.Writing;

/// <summary>
/// The statement that stores events exactly once: one multi-row <c>INSERT … ON CONFLICT DO NOTHING</c> into
/// <c>log_events</c> from a JSON document, through the binding's <c>exec</c>. Its row count (<c>rows-affected</c>) is the
/// number of events stored for the first time; the rest were already there. Pure.
/// </summary>
/// <remarks>
/// Rows are inserted in key order so two deliveries holding the same events wait on each other's unique-index
/// entries in one order and never deadlock. Text is made storable (U+0000 and lone surrogates become U+FFFD) the
/// same way for every delivery, so a redelivery produces identical rows.
/// </remarks>
public static class EventRowsStatement
{
    public static string Sql(string schema) => $"""
        INSERT INTO {schema}.log_events (tenant_id, event_day, event_id, ts, received_at, service, severity, host, message, attributes, trace_id, span_id, message_id)
        SELECT r.t, (r.ts AT TIME ZONE 'UTC')::date, r.id, r.ts, r.rt, r.s, r.sv, r.h, r.m, coalesce(r.a, jsonb_build_object()), r.tr, r.sp, r.mid
        FROM json_to_recordset(($1::text)::json) AS r(id text, t text, ts timestamptz, rt timestamptz, s text, sv smallint, h text, m text, a jsonb, tr text, sp text, mid text)
        ORDER BY r.t, (r.ts AT TIME ZONE 'UTC')::date, r.id
        ON CONFLICT DO NOTHING
        """;

    /// <summary>One event as a row of the statement's document: <c>{"id","t","ts","rt","s","sv","h","m","a","tr","sp","mid"}</c>.</summary>
    public static byte[] Row(LogEvent e, string messageId, DateTimeOffset receivedAt)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (e.Message.Length * 2));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", Storable(e.Id));
            writer.WriteString("t", Storable(e.TenantId));
            writer.WriteString("ts", e.Timestamp.UtcDateTime);
            writer.WriteString("rt", receivedAt.UtcDateTime);
            writer.WriteString("s", Storable(e.Service));
            writer.WriteNumber("sv", (int)e.Severity);
            if (e.Host is { } host)
            {
                writer.WriteString("h", Storable(host));
            }

            writer.WriteString("m", Storable(e.Message));
            if (e.Attributes.Count > 0)
            {
                writer.WriteStartObject("a");
                foreach (var (key, value) in e.Attributes)
                {
                    writer.WriteString(Storable(key), Storable(value));
                }

                writer.WriteEndObject();
            }

            if (e.TraceId is { } trace)
            {
                writer.WriteString("tr", Storable(trace));
            }

            if (e.SpanId is { } span)
            {
                writer.WriteString("sp", Storable(span));
            }

            writer.WriteString("mid", Storable(messageId));
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The binding's params for some rows: <c>["[row,row,…]"]</c>, the document as the one parameter.</summary>
    public static string Params(IEnumerable<byte[]> rows) => DocumentParams.OfArray([.. rows]);

    private static string Storable(string text) => StoredText.Storable(text, int.MaxValue);
}
