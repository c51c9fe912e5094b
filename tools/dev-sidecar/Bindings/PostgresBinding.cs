using LogDapr.Postgres;
using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text;
using LogDapr.DevSidecar.Resiliency;
using Npgsql;
using NpgsqlTypes;

namespace LogDapr.DevSidecar.Bindings;

/// <summary>
/// Dapr's <c>bindings.postgresql</c> output binding over an Npgsql pooled data source. Operations as in
/// components-contrib: <c>exec</c> and <c>query</c> take metadata <c>sql</c> and optional <c>params</c> (a JSON
/// array bound to $1..$n); <c>query</c> returns a JSON array of rows, each a JSON array of column values;
/// <c>close</c> closes the pool for good. <c>exec</c> reports <c>rows-affected</c> from the command tag, as pgx does
/// (also for a statement that ends in a SELECT). Parameters are sent untyped (text with unknown type) so PostgreSQL
/// infers their types from the statement, which is what pgx achieves by describing the statement first.
/// </summary>
public sealed class PostgresBinding : IOutputBinding, IAsyncDisposable
{
    private readonly string? configError;
    private NpgsqlDataSource? dataSource;
    private int closed;

    public PostgresBinding(string name, IReadOnlyDictionary<string, string> metadata)
    {
        Name = name;
        if (!metadata.TryGetValue("connectionString", out var connectionString) || string.IsNullOrWhiteSpace(connectionString))
        {
            configError = "missing connection string (metadata 'connectionString')";
            return;
        }

        try
        {
            this.dataSource = NpgsqlDataSource.Create(PostgresConnectionString.ToNpgsql(connectionString));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            configError = $"invalid connection string: {ex.Message}";
        }
    }

    public string Name { get; }

    public async Task<BindingResponse> InvokeAsync(string operation, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        if (operation == "close")
        {
            await DisposeAsync().ConfigureAwait(false);
            return new BindingResponse([], new Dictionary<string, string>());
        }

        if (configError is not null)
        {
            throw new BindingException(configError);
        }

        if (Volatile.Read(ref this.closed) == 1 || this.dataSource is not { } dataSource)
        {
            throw new BindingException("component is closed");
        }

        if (!metadata.TryGetValue("sql", out var sql) || string.IsNullOrEmpty(sql))
        {
            throw new BindingException("required metadata not set: sql");
        }

        if (operation is not ("exec" or "query"))
        {
            throw new BindingException($"invalid operation type: {operation}. Expected exec, query, or close");
        }

        var parameters = metadata.TryGetValue("params", out var paramsJson) && !string.IsNullOrEmpty(paramsJson)
            ? ParseParams(paramsJson)
            : [];

        var start = DateTimeOffset.UtcNow;
        var response = new Dictionary<string, string>
        {
            ["operation"] = operation,
            ["sql"] = sql,
            ["start-time"] = Rfc3339Nano(start),
        };

        byte[] result = [];
        try
        {
            if (operation == "exec" && parameters.Length == 0)
            {
                // Without parameters pgx uses the simple protocol, which allows several statements.
                await using var command = dataSource.CreateCommand(sql);
                var affected = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                response["rows-affected"] = Math.Max(0, affected).ToString(CultureInfo.InvariantCulture);
            }
            else if (operation == "exec")
            {
                // pgx reports the command tag's count for every statement ("SELECT 3" is 3 rows affected); an
                // NpgsqlBatchCommand exposes that count, ExecuteNonQuery would say -1 for a SELECT.
                await using var batch = dataSource.CreateBatch();
                var statement = new NpgsqlBatchCommand(sql);
                statement.Parameters.AddRange(parameters);
                batch.BatchCommands.Add(statement);
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                response["rows-affected"] = statement.Rows.ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                await using var command = dataSource.CreateCommand(sql);
                command.Parameters.AddRange(parameters);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                result = await RowsToJsonAsync(reader, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (PostgresException ex)
        {
            throw new BindingException($"error executing query: {ex.Severity}: {ex.MessageText} (SQLSTATE {ex.SqlState})", ex.IsTransient, ex);
        }
        catch (NpgsqlException ex)
        {
            throw new BindingException($"error executing query: {ex.Message}{(ex.InnerException is { } inner ? ": " + inner.Message : "")}", unavailable: true, ex);
        }

        var end = DateTimeOffset.UtcNow;
        response["end-time"] = Rfc3339Nano(end);
        response["duration"] = GoDuration.Format(end - start);
        return new BindingResponse(result, response);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref this.closed, 1) == 0 && this.dataSource is { } dataSource)
        {
            this.dataSource = null;
            await dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal static NpgsqlParameter[] ParseParams(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new BindingException($"invalid metadata property params: failed to unserialize into an array: {ex.Message}");
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new BindingException("invalid metadata property params: failed to unserialize into an array: not a JSON array");
            }

            return doc.RootElement.EnumerateArray()
                .Select(e => e.ValueKind == JsonValueKind.Null
                    ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Unknown }
                    : new NpgsqlParameter { Value = ParamText(e), NpgsqlDbType = NpgsqlDbType.Unknown })
                .ToArray();
        }
    }

    /// <summary>
    /// The text form PostgreSQL will parse for the inferred type: numbers and booleans literally, arrays as
    /// array literals (so <c>$1::text[]</c> and <c>unnest($1::bigint[])</c> work like pgx's slice encoding),
    /// objects as JSON text (for json/jsonb parameters).
    /// </summary>
    private static string ParamText(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.Number => e.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Array => ArrayLiteral(e),
        _ => e.GetRawText(),
    };

    private static string ArrayLiteral(JsonElement array)
    {
        var sb = new StringBuilder("{");
        var first = true;
        foreach (var item in array.EnumerateArray())
        {
            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            switch (item.ValueKind)
            {
                case JsonValueKind.Null:
                    sb.Append("NULL");
                    break;
                case JsonValueKind.Array:
                    sb.Append(ArrayLiteral(item));
                    break;
                default:
                    var text = ParamText(item);
                    sb.Append('"').Append(text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
                    break;
            }
        }

        return sb.Append('}').ToString();
    }

    private static async Task<byte[]> RowsToJsonAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
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
    internal static string Rfc3339Nano(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return utc.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.') + "Z";
    }

    private static string Rfc3339Nano(DateTime utc) => Rfc3339Nano(new DateTimeOffset(utc, TimeSpan.Zero));
}
