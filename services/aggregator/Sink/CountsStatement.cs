using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LogDapr.Aggregator.Aggregation;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Sink;

/// <summary>
/// Builds the ONE statement a delivery is written with: it records the delivered message ids and adds their
/// counts only for ids that were not recorded before, in a single atomic statement. A redelivered message
/// therefore finds its id already present and adds nothing, and the statement reports how many events it added.
/// Pure: returns the SQL and the binding's <c>params</c> (a JSON array with one JSON document), in the form Dapr's
/// PostgreSQL binding takes.
/// </summary>
public static class CountsStatement
{
    /// <remarks>
    /// The statement ends in one empty row per newly counted event, so its row count, which the binding's
    /// <c>exec</c> reports as <c>rows-affected</c> ("SELECT n"), is the number of events this delivery added:
    /// the rest were duplicates. The writes sit in data-modifying CTEs, which PostgreSQL always runs to completion
    /// within the one statement; <c>exec</c> (not <c>query</c>) keeps every error of the statement visible.
    /// </remarks>
    public static string Sql(string schema) => $"""
        WITH msgs AS (
            SELECT m->>'id' AS id, (m->>'day')::date AS day, (m->>'events')::integer AS events, m->'counts' AS counts
            FROM jsonb_array_elements(($1::text)::jsonb) AS m
        ), fresh AS (
            INSERT INTO {schema}.processed_messages (message_day, message_id, event_count)
            SELECT day, id, events FROM msgs ORDER BY day, id
            ON CONFLICT DO NOTHING
            RETURNING message_day, message_id
        ), counted AS (
            SELECT c->>0 AS tenant_id, c->>1 AS service, (c->>2)::timestamptz AS bucket_start, c->>3 AS severity,
                   sum((c->>4)::bigint) AS n
            FROM msgs
            JOIN fresh ON fresh.message_id = msgs.id AND fresh.message_day = msgs.day
            CROSS JOIN LATERAL jsonb_array_elements(msgs.counts) AS c
            GROUP BY 1, 2, 3, 4
        ), added AS (
            INSERT INTO {schema}.log_counts AS lc (tenant_id, service, bucket_start, severity, event_count)
            SELECT tenant_id, service, bucket_start, severity, n FROM counted
            ORDER BY tenant_id, service, bucket_start, severity
            ON CONFLICT (tenant_id, service, bucket_start, severity)
            DO UPDATE SET event_count = lc.event_count + EXCLUDED.event_count, updated_at = now()
        )
        SELECT FROM msgs
        JOIN fresh ON fresh.message_id = msgs.id AND fresh.message_day = msgs.day
        CROSS JOIN LATERAL generate_series(1, msgs.events)
        """;

    /// <summary>
    /// The binding's params: <c>["[{"id":..,"day":..,"events":n,"counts":[[tenant,service,bucket,severity,n],..]},..]"]</c>.
    /// Messages must have distinct ids (the caller de-duplicates a delivery first).
    /// </summary>
    public static string Params(IReadOnlyList<MessageCounts> messages)
    {
        var document = new ArrayBufferWriter<byte>(256 + (messages.Count * 128));
        using (var writer = new Utf8JsonWriter(document))
        {
            writer.WriteStartArray();
            foreach (var message in messages)
            {
                writer.WriteStartObject();
                writer.WriteString("id", message.MessageId);
                writer.WriteString("day", message.MessageDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                writer.WriteNumber("events", message.EventCount);
                writer.WriteStartArray("counts");
                foreach (var (key, count) in message.Counts)
                {
                    writer.WriteStartArray();
                    writer.WriteStringValue(key.TenantId);
                    writer.WriteStringValue(key.Service);
                    writer.WriteStringValue(key.BucketStart.UtcDateTime);
                    writer.WriteStringValue(SeverityNames.ToWire(key.Severity));
                    writer.WriteNumberValue(count);
                    writer.WriteEndArray();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        var buffer = new ArrayBufferWriter<byte>(document.WrittenCount + 16);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(Encoding.UTF8.GetString(document.WrittenSpan));
            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
