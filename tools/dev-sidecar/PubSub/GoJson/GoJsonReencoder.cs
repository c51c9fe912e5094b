using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LogDapr.DevSidecar.PubSub.GoJson;

/// <summary>
/// What a JSON document looks like after Go's <c>json.Unmarshal</c> into <c>map[string]interface{}</c> and
/// <c>json.Marshal</c> back, which is what daprd v1.16 does to every entry of a bulk delivery
/// (pkg/runtime/subscription/bulksubscription.go unmarshals the CloudEvent; postman/http/http.go DeliverBulk
/// marshals the envelope; Go 1.24 encoding/json):
/// <list type="bullet">
/// <item>every number becomes a float64 (1.50 → 1.5; integers above 2^53 lose precision; a number beyond float64 fails
/// the decode) and is printed as encoding/json prints a float64: shortest round-trip digits, plain notation, exponent
/// notation (1e+21, 1e-7) below 1e-6 and from 1e21 on;</item>
/// <item>object keys are sorted (byte order of their UTF-8), a duplicated key keeps its last value, whitespace goes;</item>
/// <item>strings are escaped with HTML escaping on: &lt; &gt; &amp; as \u003c \u003e \u0026, U+2028/U+2029 as
/// \u2028/\u2029, \b \f \n \r \t short, other control characters as \u00XX, everything else as UTF-8.</item>
/// </list>
/// </summary>
public static class GoJsonReencoder
{
    private const string Hex = "0123456789abcdef";

    /// <summary>Re-encodes <paramref name="json"/>; false (with the reason) where Go's decode would fail.</summary>
    public static bool TryReencode(ReadOnlySpan<byte> json, out byte[] encoded, out string? error)
    {
        encoded = [];
        try
        {
            using var document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 10_000 });
            var output = new ArrayBufferWriter<byte>(json.Length + 16);
            Write(document.RootElement, output);
            encoded = output.WrittenSpan.ToArray();
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is JsonException or GoDecodeException or InvalidOperationException)
        {
            error = ex.Message;
            return false;
        }
    }

    /// <summary>Writes a JSON value as Go's encoding/json writes the decoded interface{} value.</summary>
    public static void Write(JsonElement element, IBufferWriter<byte> output)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(element, output);
                break;
            case JsonValueKind.Array:
                Append(output, "["u8);
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        Append(output, ","u8);
                    }

                    first = false;
                    Write(item, output);
                }

                Append(output, "]"u8);
                break;
            case JsonValueKind.String:
                WriteString(element.GetString()!, output);
                break;
            case JsonValueKind.Number:
                Append(output, Encoding.ASCII.GetBytes(FormatFloat64(ParseFloat64(element.GetRawText()))));
                break;
            case JsonValueKind.True:
                Append(output, "true"u8);
                break;
            case JsonValueKind.False:
                Append(output, "false"u8);
                break;
            default:
                Append(output, "null"u8);
                break;
        }
    }

    /// <summary>Go's strconv.ParseFloat(s, 64) as json.Unmarshal uses it: correctly rounded; out of range fails.</summary>
    public static double ParseFloat64(string literal)
    {
        var value = double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsInfinity(value))
        {
            throw new GoDecodeException($"json: cannot unmarshal number {literal} into Go value of type float64");
        }

        return value;
    }

    /// <summary>encoding/json's float64 encoder: strconv 'f' or 'e' format with the shortest precision.</summary>
    public static string FormatFloat64(double value)
    {
        if (value == 0)
        {
            return double.IsNegative(value) ? "-0" : "0";
        }

        var (negative, digits, point) = ShortestDecimal(value);
        var abs = Math.Abs(value);
        var sb = new StringBuilder(digits.Length + 8);
        if (negative)
        {
            sb.Append('-');
        }

        if (abs < 1e-6 || abs >= 1e21)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            }

            var exponent = point - 1;
            sb.Append('e').Append(exponent < 0 ? '-' : '+');
            var magnitude = Math.Abs(exponent).ToString(CultureInfo.InvariantCulture);
            // strconv writes at least two exponent digits; encoding/json then turns e-07 into e-7 (not e+07, which
            // cannot occur at or above 1e21).
            if (magnitude.Length < 2 && exponent >= 0)
            {
                sb.Append('0');
            }

            sb.Append(magnitude);
            return sb.ToString();
        }

        if (point <= 0)
        {
            sb.Append("0.").Append('0', -point).Append(digits);
        }
        else if (point >= digits.Length)
        {
            sb.Append(digits).Append('0', point - digits.Length);
        }
        else
        {
            sb.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
        }

        return sb.ToString();
    }

    /// <summary>
    /// The shortest digits that round-trip (what strconv's precision -1 produces; .NET's "R" finds the same) and the
    /// position of the decimal point: value = 0.digits × 10^point.
    /// </summary>
    private static (bool Negative, string Digits, int Point) ShortestDecimal(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = text.StartsWith('-');
        if (negative)
        {
            text = text[1..];
        }

        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var integerPart = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? "" : text[(dot + 1)..];
        var digits = integerPart + fraction;
        var point = integerPart.Length + exponent;
        var leading = 0;
        while (leading < digits.Length - 1 && digits[leading] == '0')
        {
            leading++;
        }

        digits = digits[leading..].TrimEnd('0');
        return (negative, digits.Length == 0 ? "0" : digits, point - leading);
    }

    private static void WriteObject(JsonElement element, IBufferWriter<byte> output)
    {
        // json.Unmarshal into a map: the last of duplicated keys wins; json.Marshal sorts keys by their bytes.
        var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            members[property.Name] = property.Value;
        }

        var keys = members.Keys.Select(k => (Key: k, Bytes: Encoding.UTF8.GetBytes(k))).ToList();
        keys.Sort((a, b) => a.Bytes.AsSpan().SequenceCompareTo(b.Bytes));
        Append(output, "{"u8);
        for (var i = 0; i < keys.Count; i++)
        {
            if (i > 0)
            {
                Append(output, ","u8);
            }

            WriteString(keys[i].Key, output);
            Append(output, ":"u8);
            Write(members[keys[i].Key], output);
        }

        Append(output, "}"u8);
    }

    /// <summary>encoding/json's string encoder with escapeHTML (as json.Marshal always has it).</summary>
    public static void WriteString(string value, IBufferWriter<byte> output)
    {
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                case < ' ':
                    sb.Append("\\u").Append(Hex[(c >> 12) & 0xF]).Append(Hex[(c >> 8) & 0xF]).Append(Hex[(c >> 4) & 0xF]).Append(Hex[c & 0xF]);
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        sb.Append('"');
        Append(output, Encoding.UTF8.GetBytes(sb.ToString()));
    }

    private static void Append(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        var span = output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        output.Advance(bytes.Length);
    }

    private sealed class GoDecodeException(string message) : Exception(message);
}
