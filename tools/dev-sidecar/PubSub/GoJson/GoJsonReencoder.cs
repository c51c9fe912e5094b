using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

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
    public static bool TryReencode(ReadOnlySpan<byte> json, out ReadOnlyMemory<byte> encoded, out string? error) =>
        TryReencode(json.ToArray(), out encoded, out error);

    /// <summary>Re-encodes <paramref name="json"/> without copying it first; false (with the reason) where Go's decode would fail.</summary>
    public static bool TryReencode(byte[] json, out ReadOnlyMemory<byte> encoded, out string? error) =>
        TryReencode(json, fastPaths: true, out encoded, out error);

    /// <param name="fastPaths">
    /// Off: every string, key and number goes through the general path (decoded to .NET values, as Go decodes them).
    /// On: what needs no decoding (strings and keys without escapes, integers of up to 15 digits, which a float64 holds
    /// exactly) is copied from the input bytes. The output is the same either way (GoJsonReencoderPropertyTests).
    /// </param>
    internal static bool TryReencode(byte[] json, bool fastPaths, out ReadOnlyMemory<byte> encoded, out string? error)
    {
        encoded = ReadOnlyMemory<byte>.Empty;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 10_000 });
        }
        catch (JsonException ex)
        {
            error = ex.Message;
            return false;
        }

        using (document)
        {
            return TryReencode(document.RootElement, json.Length, fastPaths, out encoded, out error);
        }
    }

    /// <summary>
    /// Re-encodes a value already parsed (the delivery path reads the CloudEvent's attributes from the same document),
    /// so the bytes are parsed once; false (with the reason) where Go's decode would fail.
    /// </summary>
    /// <param name="sizeHint">The length of the JSON the value was parsed from: the output is about as long.</param>
    public static bool TryReencode(JsonElement value, int sizeHint, out ReadOnlyMemory<byte> encoded, out string? error) =>
        TryReencode(value, sizeHint, fastPaths: true, out encoded, out error);

    private static bool TryReencode(JsonElement value, int sizeHint, bool fastPaths, out ReadOnlyMemory<byte> encoded, out string? error)
    {
        encoded = ReadOnlyMemory<byte>.Empty;
        try
        {
            var output = new ArrayBufferWriter<byte>(sizeHint + 16);
            Write(value, output, fastPaths);
            // The writer's own array, not a copy: sized for the input, it rarely grows (Go writes < > & as six-byte escapes).
            encoded = output.WrittenMemory;
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
    public static void Write(JsonElement element, IBufferWriter<byte> output) => Write(element, output, fastPaths: true);

    private static void Write(JsonElement element, IBufferWriter<byte> output, bool fastPaths)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (!fastPaths || !TryWriteObjectFast(element, output))
                {
                    WriteObject(element, output, fastPaths);
                }

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
                    Write(item, output, fastPaths);
                }

                Append(output, "]"u8);
                break;
            case JsonValueKind.String:
                var quoted = JsonMarshal.GetRawUtf8Value(element);
                if (fastPaths && IsPlainUtf8(quoted[1..^1]))
                {
                    WriteUtf8String(quoted[1..^1], output);
                }
                else
                {
                    WriteString(element.GetString()!, output);
                }

                break;
            case JsonValueKind.Number:
                var literal = JsonMarshal.GetRawUtf8Value(element);
                if (fastPaths && IsExactInteger(literal))
                {
                    Append(output, literal);
                }
                else
                {
                    Append(output, Encoding.ASCII.GetBytes(FormatFloat64(ParseFloat64(element.GetRawText()))));
                }

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

    private static void WriteObject(JsonElement element, IBufferWriter<byte> output, bool fastPaths)
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
            Write(members[keys[i].Key], output, fastPaths);
        }

        Append(output, "}"u8);
    }

    /// <summary>
    /// <see cref="WriteObject"/> without decoding keys, when every key is plain UTF-8 (its bytes are its value): a stable
    /// sort by key bytes keeps duplicates in input order, so the last of each run is the value Go keeps. False, with
    /// nothing written, when a key needs the general path.
    /// </summary>
    private static bool TryWriteObjectFast(JsonElement element, IBufferWriter<byte> output)
    {
        var count = element.GetPropertyCount();
        var members = ArrayPool<(JsonProperty Property, int Index)>.Shared.Rent(count);
        try
        {
            var n = 0;
            foreach (var property in element.EnumerateObject())
            {
                if (!IsPlainUtf8(JsonMarshal.GetRawUtf8PropertyName(property)))
                {
                    return false;
                }

                members[n] = (property, n);
                n++;
            }

            var sorted = members.AsSpan(0, n);
            sorted.Sort(static (a, b) =>
            {
                var byKey = JsonMarshal.GetRawUtf8PropertyName(a.Property).SequenceCompareTo(JsonMarshal.GetRawUtf8PropertyName(b.Property));
                return byKey != 0 ? byKey : a.Index.CompareTo(b.Index);
            });
            Append(output, "{"u8);
            var first = true;
            for (var i = 0; i < sorted.Length; i++)
            {
                var key = JsonMarshal.GetRawUtf8PropertyName(sorted[i].Property);
                if (i + 1 < sorted.Length && key.SequenceEqual(JsonMarshal.GetRawUtf8PropertyName(sorted[i + 1].Property)))
                {
                    continue;
                }

                if (!first)
                {
                    Append(output, ","u8);
                }

                first = false;
                WriteUtf8String(key, output);
                Append(output, ":"u8);
                Write(sorted[i].Property.Value, output, fastPaths: true);
            }

            Append(output, "}"u8);
            return true;
        }
        finally
        {
            ArrayPool<(JsonProperty, int)>.Shared.Return(members, clearArray: true);
        }
    }

    /// <summary>
    /// Raw string bytes that are the string's value: no escape sequence, and valid UTF-8 (invalid UTF-8 takes the
    /// general path, whose decode refuses it). Quotes and control characters cannot occur unescaped in parsed JSON.
    /// </summary>
    private static bool IsPlainUtf8(ReadOnlySpan<byte> raw) => !raw.Contains((byte)'\\') && Utf8.IsValid(raw);

    /// <summary>An integer literal of at most 15 digits: a float64 holds it exactly, and Go prints it as written.</summary>
    private static bool IsExactInteger(ReadOnlySpan<byte> literal)
    {
        var digits = literal.Length > 0 && literal[0] == (byte)'-' ? literal[1..] : literal;
        return digits.Length is > 0 and <= 15 && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }

    private static readonly SearchValues<byte> HtmlEscapeStarts = SearchValues.Create([(byte)'<', (byte)'>', (byte)'&', (byte)0xE2]);

    /// <summary><see cref="WriteString"/> for a value already in UTF-8 without escapes: only the HTML escapes apply.</summary>
    private static void WriteUtf8String(ReadOnlySpan<byte> value, IBufferWriter<byte> output)
    {
        Append(output, "\""u8);
        var written = 0;
        var i = 0;
        while (i < value.Length)
        {
            var next = value[i..].IndexOfAny(HtmlEscapeStarts);
            if (next < 0)
            {
                break;
            }

            i += next;
            ReadOnlySpan<byte> escape;
            var length = 1;
            switch (value[i])
            {
                case (byte)'<':
                    escape = "\\u003c"u8;
                    break;
                case (byte)'>':
                    escape = "\\u003e"u8;
                    break;
                case (byte)'&':
                    escape = "\\u0026"u8;
                    break;
                default:
                    // 0xE2 starts U+2028 (E2 80 A8) and U+2029 (E2 80 A9), and other characters that stay as they are.
                    if (i + 2 < value.Length && value[i + 1] == 0x80 && value[i + 2] is 0xA8 or 0xA9)
                    {
                        escape = value[i + 2] == 0xA8 ? "\\u2028"u8 : "\\u2029"u8;
                        length = 3;
                        break;
                    }

                    i++;
                    continue;
            }

            Append(output, value[written..i]);
            Append(output, escape);
            i += length;
            written = i;
        }

        Append(output, value[written..]);
        Append(output, "\""u8);
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
