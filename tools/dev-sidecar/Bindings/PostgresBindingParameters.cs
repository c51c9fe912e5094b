using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace LogDapr.DevSidecar.Bindings;

/// <summary>
/// How Dapr's PostgreSQL binding binds the <c>params</c> metadata (components-contrib v1.16.0
/// bindings/postgres/postgres.go: a JSON array, element i bound to $i+1 and encoded by pgx). Parameters are sent
/// untyped so PostgreSQL infers each one's type from the statement, as pgx does after describing it. The one
/// statement of these rules: the sidecar's binding and the aggregator's SQL tests both bind through it.
/// </summary>
public static class PostgresBindingParameters
{
    public static NpgsqlParameter[] Parse(string json)
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
}
