using System.Globalization;

namespace LogDapr.DevSidecar.Go;

/// <summary>
/// Go's strconv integer parsing with its error texts, because daprd and the components pass those texts through to
/// the caller (e.g. <c>invalid etag value: strconv.Atoi: parsing "x": invalid syntax</c>).
/// </summary>
public static class GoStrconv
{
    /// <summary>strconv.ParseInt(s, 10, bits): optional sign, decimal digits only.</summary>
    public static bool TryParseInt(string text, int bits, string function, out long value, out string error)
    {
        value = 0;
        error = "";
        var digits = text.StartsWith('+') || text.StartsWith('-') ? text[1..] : text;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            error = Syntax(function, text);
            return false;
        }

        var max = bits == 64 ? long.MaxValue : (1L << (bits - 1)) - 1;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) || value > max || value < -max - 1)
        {
            error = Range(function, text);
            return false;
        }

        return true;
    }

    /// <summary>strconv.ParseUint(s, 10, bits): decimal digits only, no sign.</summary>
    public static bool TryParseUint(string text, int bits, out ulong value, out string error)
    {
        value = 0;
        error = "";
        if (text.Length == 0 || !text.All(char.IsAsciiDigit))
        {
            error = Syntax("ParseUint", text);
            return false;
        }

        var max = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) || value > max)
        {
            error = Range("ParseUint", text);
            return false;
        }

        return true;
    }

    private static string Syntax(string function, string text) => $"strconv.{function}: parsing {Quote(text)}: invalid syntax";

    private static string Range(string function, string text) => $"strconv.{function}: parsing {Quote(text)}: value out of range";

    // Go's %q for the texts that reach here (printable input); control characters are escaped the Go way.
    private static string Quote(string text)
    {
        var builder = new System.Text.StringBuilder("\"");
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                _ when char.IsControl(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }
}
