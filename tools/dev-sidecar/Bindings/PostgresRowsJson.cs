using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using LogDapr.DevSidecar.Go;
using Npgsql;

namespace LogDapr.DevSidecar.Bindings;

/// <summary>A <c>query</c> result as Dapr's PostgreSQL binding returns it: a JSON array of rows, each an array of column values as pgx decodes them.</summary>
internal static class PostgresRowsJson
{
    public static async Task<byte[]> WriteAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                writer.WriteStartArray();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (await reader.IsDBNullAsync(i, cancellationToken).ConfigureAwait(false))
                    {
                        writer.WriteNullValue();
                        continue;
                    }

                    var typeName = reader.GetDataTypeName(i);
                    if (typeName is "json" or "jsonb")
                    {
                        // pgx decodes json columns, so Dapr embeds them as JSON rather than as a string.
                        writer.WriteRawValue(reader.GetString(i));
                        continue;
                    }

                    WriteValue(writer, reader.GetValue(i));
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null or DBNull: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case short n: writer.WriteNumberValue(n); break;
            case int n: writer.WriteNumberValue(n); break;
            case long n: writer.WriteNumberValue(n); break;
            case float f when float.IsFinite(f): writer.WriteNumberValue(f); break;
            case double d when double.IsFinite(d): writer.WriteNumberValue(d); break;
            case decimal m: writer.WriteNumberValue(m); break;
            case BigInteger big: writer.WriteRawValue(big.ToString(CultureInfo.InvariantCulture)); break;
            case DateTime dt: writer.WriteStringValue(Rfc3339Nano(dt.Kind == DateTimeKind.Local ? dt.ToUniversalTime() : DateTime.SpecifyKind(dt, DateTimeKind.Utc))); break;
            case DateTimeOffset dto: writer.WriteStringValue(Rfc3339Nano(dto)); break;
            case DateOnly date: writer.WriteStringValue(Rfc3339Nano(date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc))); break;
            case TimeOnly time: writer.WriteStringValue(time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)); break;
            case TimeSpan span: writer.WriteStringValue(GoDuration.Format(span)); break;
            case Guid g: writer.WriteStringValue(g.ToString()); break;
            case byte[] bytes: writer.WriteBase64StringValue(bytes); break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default: writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    /// <summary>Go's time.RFC3339Nano: fractional seconds without trailing zeros, 'Z' for UTC.</summary>
    public static string Rfc3339Nano(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return utc.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.') + "Z";
    }

    private static string Rfc3339Nano(DateTime utc) => Rfc3339Nano(new DateTimeOffset(utc, TimeSpan.Zero));
}
