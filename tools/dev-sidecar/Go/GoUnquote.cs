using System.Text;

namespace LogDapr.DevSidecar.Go;

/// <summary>
/// Go's <c>strconv.Unquote</c> (Go 1.24) on bytes: a Go string literal ("…" with escapes, `…` raw, '…' one
/// character) becomes its value; anything else is an error (false). bindings.localstorage runs it on every
/// create payload, so a JSON string sent over HTTP is stored without its quotes.
/// </summary>
public static class GoUnquote
{
    public static bool TryUnquote(ReadOnlySpan<byte> input, out byte[] value)
    {
        value = [];
        if (input.Length < 2 || input[0] != input[^1] || input[0] is not ((byte)'"' or (byte)'\'' or (byte)'`'))
        {
            return false;
        }

        var quote = input[0];
        var body = input[1..^1];
        if (quote == '`')
        {
            if (body.Contains((byte)'`'))
            {
                return false;
            }

            // Carriage returns are discarded from raw string literals.
            value = body.ToArray().Where(b => b != '\r').ToArray();
            return true;
        }

        if (body.Contains((byte)'\n'))
        {
            return false;
        }

        var output = new List<byte>(body.Length);
        var runes = 0;
        while (body.Length > 0)
        {
            if (body[0] == quote)
            {
                return false;
            }

            if (!UnquoteChar(ref body, quote, output))
            {
                return false;
            }

            runes++;
        }

        if (quote == '\'' && runes != 1)
        {
            return false;
        }

        value = output.ToArray();
        return true;
    }

    private static bool UnquoteChar(ref ReadOnlySpan<byte> s, byte quote, List<byte> output)
    {
        var c = s[0];
        if (c >= 0x80)
        {
            // A multi-byte UTF-8 sequence is kept; an invalid byte becomes U+FFFD (utf8.DecodeRuneInString).
            var status = Rune.DecodeFromUtf8(s, out var rune, out var size);
            if (status != System.Buffers.OperationStatus.Done)
            {
                rune = Rune.ReplacementChar;
                size = 1;
            }

            Append(output, rune);
            s = s[size..];
            return true;
        }

        if (c != '\\')
        {
            output.Add(c);
            s = s[1..];
            return true;
        }

        if (s.Length < 2)
        {
            return false;
        }

        var e = s[1];
        s = s[2..];
        switch (e)
        {
            case (byte)'a': output.Add(7); return true;
            case (byte)'b': output.Add(8); return true;
            case (byte)'f': output.Add(12); return true;
            case (byte)'n': output.Add(10); return true;
            case (byte)'r': output.Add(13); return true;
            case (byte)'t': output.Add(9); return true;
            case (byte)'v': output.Add(11); return true;
            case (byte)'\\': output.Add((byte)'\\'); return true;
            case (byte)'\'' or (byte)'"':
                if (e != quote)
                {
                    return false;
                }

                output.Add(e);
                return true;
            case (byte)'x' or (byte)'u' or (byte)'U':
            {
                var digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                if (s.Length < digits || !uint.TryParse(Encoding.ASCII.GetString(s[..digits]), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var v))
                {
                    return false;
                }

                s = s[digits..];
                if (e == 'x')
                {
                    output.Add((byte)v); // a single byte, not a rune
                    return true;
                }

                if (!Rune.IsValid(v))
                {
                    return false;
                }

                Append(output, new Rune(v));
                return true;
            }

            case >= (byte)'0' and <= (byte)'7':
            {
                if (s.Length < 2 || s[0] is < (byte)'0' or > (byte)'7' || s[1] is < (byte)'0' or > (byte)'7')
                {
                    return false;
                }

                var v = ((e - '0') << 6) | ((s[0] - '0') << 3) | (s[1] - '0');
                if (v > 255)
                {
                    return false;
                }

                s = s[2..];
                output.Add((byte)v);
                return true;
            }

            default:
                return false;
        }
    }

    private static void Append(List<byte> output, Rune rune)
    {
        Span<byte> buffer = stackalloc byte[4];
        var n = rune.EncodeToUtf8(buffer);
        output.AddRange(buffer[..n].ToArray());
    }
}
