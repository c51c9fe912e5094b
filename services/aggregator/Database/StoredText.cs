using System.Text;

namespace LogDapr.Aggregator.Database;

/// <summary>
/// What PostgreSQL can store in a <c>text</c> value, checked before anything reaches SQL: no U+0000 (Postgres text
/// cannot hold it) and well-formed UTF-16 (a lone surrogate has no UTF-8 form). Pure.
/// </summary>
public static class StoredText
{
    public static bool IsStorable(string text)
        => !text.Contains('\0', StringComparison.Ordinal) && IsWellFormed(text);

    public static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    public static int Utf8Length(string text) => Encoding.UTF8.GetByteCount(text);

    /// <summary>
    /// Text made storable for a record that must be written whatever it holds (a dead letter): U+0000 and lone
    /// surrogates become U+FFFD, and the text is cut to <paramref name="maxChars"/> (marked with an ellipsis).
    /// </summary>
    public static string Storable(string text, int maxChars)
    {
        if (text.Length <= maxChars && IsStorable(text))
        {
            return text;
        }

        var builder = new StringBuilder(Math.Min(text.Length, maxChars) + 1);
        for (var i = 0; i < text.Length && builder.Length < maxChars; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (builder.Length + 2 > maxChars)
                {
                    break;
                }

                builder.Append(c).Append(text[++i]);
            }
            else
            {
                builder.Append(c == '\0' || char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }

        return builder.Length < text.Length ? builder.Append('…').ToString() : builder.ToString();
    }

    /// <summary>Text quoted back to a user: control characters shown as '?', at most <paramref name="maxChars"/>.</summary>
    public static string Printable(string text, int maxChars)
    {
        var cut = text.Length > maxChars ? text[..maxChars] + "…" : text;
        return string.Create(cut.Length, cut, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) || char.IsSurrogate(source[i]) ? '?' : source[i];
            }
        });
    }
}
