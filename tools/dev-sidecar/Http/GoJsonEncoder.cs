using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogDapr.DevSidecar.Http;

/// <summary>
/// What Go's <c>json.Marshal</c> writes for a value <c>encoding/json</c> decoded into <c>interface{}</c>, which is how
/// daprd passes JSON it received over HTTP on (state values, bulk publish events, binding data): object keys sorted,
/// every number a float64 (1.50 → 1.5, integers beyond 2^53 rounded, 1e21 and up in exponent form), and
/// <c>&lt; &gt; &amp;</c>, U+2028, U+2029 and control characters escaped.
/// </summary>
public static class GoJsonEncoder
{
    public static byte[] Marshal(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(builder, node);
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static void Write(StringBuilder builder, JsonNode? node)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject obj:
                builder.Append('{');
                var first = true;
                foreach (var (key, value) in obj.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    builder.Append(first ? "" : ",");
                    first = false;
                    WriteString(builder, key);
                    builder.Append(':');
                    Write(builder, value);
                }

                builder.Append('}');
                break;
            case JsonArray array:
                builder.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    builder.Append(i == 0 ? "" : ",");
                    Write(builder, array[i]);
                }

                builder.Append(']');
                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        WriteString(builder, value.GetValue<string>());
                        break;
                    case JsonValueKind.Number:
                        builder.Append(FormatFloat(double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)));
                        break;
                    case JsonValueKind.True:
                        builder.Append("true");
                        break;
                    case JsonValueKind.False:
                        builder.Append("false");
                        break;
                    default:
                        builder.Append("null");
                        break;
                }

                break;
        }
    }

    // encoding/json floatEncoder: 'f' format for 1e-6 <= |f| < 1e21, else 'e' with a one-digit negative exponent cleaned up.
    private static string FormatFloat(double value)
    {
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var abs = Math.Abs(value);
        if (abs == 0 || (abs >= 1e-6 && abs < 1e21))
        {
            return decimal.Parse(shortest, NumberStyles.Float, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        }

        var e = shortest.ToLowerInvariant();
        if (!e.Contains("e-", StringComparison.Ordinal) && !e.Contains("e+", StringComparison.Ordinal))
        {
            e = e.Replace("e", "e+", StringComparison.Ordinal);
        }

        return e.Replace("e-0", "e-", StringComparison.Ordinal).Replace("e+0", "e+", StringComparison.Ordinal);
    }

    private static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                case < ' ':
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        builder.Append('"');
    }
}
