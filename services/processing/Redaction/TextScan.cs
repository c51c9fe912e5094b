using System.Buffers;

namespace LogDapr.Processing.Redaction;

/// <summary>Character classes shared by the matchers (ASCII only: what the presets look for is ASCII).</summary>
internal static class TextScan
{
    /// <summary>Letters, digits and '_' (what a regex <c>\w</c> would take), so a value glued to a word is not split.</summary>
    public static bool IsWord(char c) => char.IsLetterOrDigit(c) || c == '_';

    public static bool WordBefore(string text, int index) => index > 0 && IsWord(text[index - 1]);

    public static bool WordAt(string text, int index) => index < text.Length && IsWord(text[index]);

    /// <summary>
    /// The next authorization scheme word (<paramref name="word"/>, <paramref name="wordLength"/> characters) from
    /// <paramref name="pos"/> that starts a word and is followed by spaces or tabs: returns where its value starts, or
    /// -1 when there is none. <paramref name="pos"/> moves past each word looked at.
    /// </summary>
    public static int NextSchemeValue(string text, SearchValues<string> word, int wordLength, ref int pos)
    {
        while (pos < text.Length)
        {
            int rel = text.AsSpan(pos).IndexOfAny(word);
            if (rel < 0)
            {
                pos = text.Length;
                return -1;
            }

            int i = pos + rel;
            pos = i + wordLength;
            if (WordBefore(text, i))
            {
                continue;
            }

            int j = pos;
            while (j < text.Length && text[j] is ' ' or '\t')
            {
                j++;
            }

            if (j > pos)
            {
                return j;
            }
        }

        return -1;
    }

    public static bool DigitAt(string text, int index) => index >= 0 && index < text.Length && char.IsAsciiDigit(text[index]);

    public static int DigitRunEnd(string text, int index)
    {
        while (index < text.Length && char.IsAsciiDigit(text[index]))
        {
            index++;
        }

        return index;
    }
}
