using System.Buffers;
using System.Globalization;
using System.Text.Json;
using LogDapr.Aggregator.Sink;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Counting;

/// <summary>
/// Builds the ONE statement a delivery is written with: a call of <c>count_messages</c> (migration 0004), which
/// records the delivered message ids and adds their counts only for ids never recorded before, atomically and
/// exactly once even when deliveries of one id race. The dedup key is the CloudEvent id alone. Pure: returns the
/// SQL and the binding's <c>params</c> (a JSON array with one JSON document), in the form Dapr's PostgreSQL binding
/// takes.
/// </summary>
public static class CountsStatement
{
    /// <summary>The service name the events of series over the cardinality limit are counted under.</summary>
    public const string OverflowService = "__overflow__";

    /// <remarks>
    /// The statement ends in one empty row per newly counted event, so its row count, which the binding's
    /// <c>exec</c> reports as <c>rows-affected</c> ("SELECT n"), is the number of events this delivery added:
    /// the rest were duplicates. The function runs once (an argument of a set-returning function in FROM), inside
    /// the statement's implicit transaction; <c>exec</c> keeps every error of it visible.
    /// </remarks>
    /// <param name="seriesLimit">Distinct series a tenant may create per bucket (Aggregator:MaxSeriesPerTenantBucket).</param>
    public static string Sql(string schema, int seriesLimit)
        => $"SELECT FROM generate_series(1, {schema}.count_messages(($1::text)::jsonb, {seriesLimit.ToString(CultureInfo.InvariantCulture)}))";

    /// <summary>
    /// The binding's params: <c>["[{"id":..,"events":n,"counts":[[tenant,service,bucket,severity,n],..]},..]"]</c>.
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

        return DocumentParams.Of(document.WrittenMemory);
    }
}
