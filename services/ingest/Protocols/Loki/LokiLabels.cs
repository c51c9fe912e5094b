using System.Buffers;
using System.Text;

namespace LogDapr.Ingest.Protocols.Loki;

/// <summary>
/// A stream's labels, as both push formats carry them: the protobuf push as Prometheus text (<c>{app="api", level="error"}</c>),
/// the JSON push as an object. The same rules for both, those of Loki's label parser: names
/// <c>[a-zA-Z_][a-zA-Z0-9_]*</c>, values quoted with <c>"</c>, <c>'</c> or a backtick and Go's escapes
/// (<c>\n \t \\ \"</c>, <c>\xHH</c>, <c>\NNN</c>, <c>\uHHHH</c>, <c>\UHHHHHHHH</c>; none in backticks), comma separated
/// with an optional trailing comma, no name twice, the result valid UTF-8. A label with an empty value is no label,
/// as in Prometheus. Linear in the text; at most <see cref="MaxLabels"/> labels.
/// </summary>
internal static class LokiLabels
{
    /// <summary>Labels per stream; Loki's own default (max_label_names_per_series) is 15.</summary>
    public const int MaxLabels = 64;

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses the text form into <paramref name="labels"/> (cleared first); false with the reason Loki would give.</summary>
    public static bool TryParse(string text, List<KeyValuePair<string, string>> labels, out string? error)
    {
        labels.Clear();
        var parser = new Parser(text, labels);
        error = parser.Run();
        return error is null;
    }

    /// <summary>Adds one label given as a name and a value (the JSON form), by the same rules as the text form.</summary>
    public static bool TryAdd(List<KeyValuePair<string, string>> labels, string name, string value, out string? error)
    {
        if (!IsValidName(name))
        {
            error = $"invalid label name {Quote(name)}: a label name is [a-zA-Z_][a-zA-Z0-9_]*";
            return false;
        }

        return TryAddChecked(labels, name, value, out error);
    }

    public static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name[1..])
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryAddChecked(List<KeyValuePair<string, string>> labels, string name, string value, out string? error)
    {
        error = null;
        foreach (var label in labels)
        {
            if (label.Key == name)
            {
                error = $"duplicate label name {name}";
                return false;
            }
        }

        if (value.Length == 0)
        {
            return true;
        }

        if (labels.Count == MaxLabels)
        {
            error = $"more than {MaxLabels} labels in a stream";
            return false;
        }

        labels.Add(new(name, value));
        return true;
    }

    private static string Quote(string text) => "\"" + (text.Length > 64 ? text[..64] + "..." : text) + "\"";

    /// <summary>A recursive-descent reader over the text, one character of look-ahead; every loop advances.</summary>
    private ref struct Parser(string text, List<KeyValuePair<string, string>> labels)
    {
        private readonly HashSet<string> seen = new(StringComparer.Ordinal);
        private int position;

        public string? Run()
        {
            SkipSpace();
            if (!Take('{'))
            {
                return Fail("expected '{'");
            }

            SkipSpace();
            while (!Take('}'))
            {
                if (position == text.Length)
                {
                    return Fail("expected '}'");
                }

                var start = position;
                while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] == '_'))
                {
                    position++;
                }

                var name = text[start..position];
                if (!IsValidName(name))
                {
                    return Fail("expected a label name");
                }

                SkipSpace();
                if (!Take('='))
                {
                    return Fail($"expected '=' after {name}");
                }

                SkipSpace();
                if (ReadValue() is not { } value)
                {
                    return Fail($"expected a quoted value for {name}");
                }

                if (!seen.Add(name))
                {
                    return $"duplicate label name {name} in {Quote(text)}";
                }

                if (!TryAddChecked(labels, name, value, out var error))
                {
                    return error;
                }

                SkipSpace();
                if (Take(','))
                {
                    SkipSpace();
                }
                else if (position < text.Length && text[position] != '}')
                {
                    return Fail("expected ',' or '}'");
                }
            }

            SkipSpace();
            return position == text.Length ? null : Fail("unexpected text after '}'");
        }

        private string Fail(string what) => $"invalid labels {Quote(text)}: {what} at position {position}";

        private bool Take(char c)
        {
            if (position < text.Length && text[position] == c)
            {
                position++;
                return true;
            }

            return false;
        }

        private void SkipSpace()
        {
            while (position < text.Length && text[position] is ' ' or '\t' or '\n' or '\r')
            {
                position++;
            }
        }

        /// <summary>A quoted value, unescaped; null when it is not one (unterminated, a bad escape, not UTF-8).</summary>
        private string? ReadValue()
        {
            if (position == text.Length || text[position] is not ('"' or '\'' or '`') )
            {
                return null;
            }

            var quote = text[position++];
            // Escapes may produce single bytes (\xHH, \NNN), so the value is built as UTF-8 and checked at the end, as Go's strconv.Unquote does.
            var bytes = new ArrayBufferWriter<byte>(16);
            Span<byte> scratch = stackalloc byte[4];
            while (position < text.Length)
            {
                var c = text[position++];
                if (c == quote)
                {
                    try
                    {
                        return StrictUtf8.GetString(bytes.WrittenSpan);
                    }
                    catch (DecoderFallbackException)
                    {
                        return null;
                    }
                }

                if (quote != '`' && c is '\n')
                {
                    return null;
                }

                if (c != '\\' || quote == '`')
                {
                    if (char.IsHighSurrogate(c) && position < text.Length && char.IsLowSurrogate(text[position]))
                    {
                        WriteRune(bytes, new Rune(c, text[position++]), scratch);
                    }
                    else if (Rune.TryCreate(c, out var rune))
                    {
                        WriteRune(bytes, rune, scratch);
                    }
                    else
                    {
                        return null;
                    }

                    continue;
                }

                if (position == text.Length)
                {
                    return null;
                }

                var e = text[position++];
                switch (e)
                {
                    case 'a': bytes.Write("\a"u8); break;
                    case 'b': bytes.Write("\b"u8); break;
                    case 'f': bytes.Write("\f"u8); break;
                    case 'n': bytes.Write("\n"u8); break;
                    case 'r': bytes.Write("\r"u8); break;
                    case 't': bytes.Write("\t"u8); break;
                    case 'v': bytes.Write("\v"u8); break;
                    case '\\': bytes.Write("\\"u8); break;
                    case 'x':
                        if (Hex(2) is not { } x)
                        {
                            return null;
                        }

                        bytes.Write([(byte)x]);
                        break;
                    case 'u' or 'U':
                        if (Hex(e == 'u' ? 4 : 8) is not { } code || !Rune.IsValid(code))
                        {
                            return null;
                        }

                        WriteRune(bytes, new Rune(code), scratch);
                        break;
                    case >= '0' and <= '7':
                        position--;
                        if (Octal() is not { } octal)
                        {
                            return null;
                        }

                        bytes.Write([(byte)octal]);
                        break;
                    default:
                        if (e != quote)
                        {
                            return null;
                        }

                        bytes.Write([(byte)quote]);
                        break;
                }
            }

            return null;
        }

        private int? Hex(int digits)
        {
            if (position + digits > text.Length)
            {
                return null;
            }

            var value = 0L;
            for (var i = 0; i < digits; i++)
            {
                var d = text[position + i];
                if (!char.IsAsciiHexDigit(d))
                {
                    return null;
                }

                value = (value * 16) + (d <= '9' ? d - '0' : (d | 0x20) - 'a' + 10);
            }

            position += digits;
            return value > int.MaxValue ? null : (int)value;
        }

        private int? Octal()
        {
            if (position + 3 > text.Length)
            {
                return null;
            }

            var value = 0;
            for (var i = 0; i < 3; i++)
            {
                var d = text[position + i];
                if (d is < '0' or > '7')
                {
                    return null;
                }

                value = (value * 8) + (d - '0');
            }

            position += 3;
            return value > 255 ? null : value;
        }

        private static void WriteRune(ArrayBufferWriter<byte> bytes, Rune rune, Span<byte> scratch)
        {
            var length = rune.EncodeToUtf8(scratch);
            bytes.Write(scratch[..length]);
        }
    }
}
