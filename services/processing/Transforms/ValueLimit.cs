using System.Text;

namespace LogDapr.Processing.Transforms;

/// <summary>Cuts a string to at most a number of UTF-8 bytes, never inside a character (a surrogate pair stays whole).</summary>
public static class ValueLimit
{
    /// <summary>The same instance when it fits.</summary>
    public static string Cut(string value, int maxBytes)
    {
        // A UTF-16 char is at most 3 UTF-8 bytes (a surrogate pair, two chars, is 4): short strings need no count.
        if (value.Length <= maxBytes / 3 || Encoding.UTF8.GetByteCount(value) <= maxBytes)
        {
            return value;
        }
        int bytes = 0;
        int i = 0;
        while (i < value.Length)
        {
            char c = value[i];
            int width;
            int chars = 1;
            if (c < 0x80)
            {
                width = 1;
            }
            else if (c < 0x800)
            {
                width = 2;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                width = 4;
                chars = 2;
            }
            else
            {
                // Lone surrogates are encoded as U+FFFD, 3 bytes.
                width = 3;
            }
            if (bytes + width > maxBytes)
            {
                break;
            }
            bytes += width;
            i += chars;
        }
        return value[..i];
    }
}
