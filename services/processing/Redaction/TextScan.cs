namespace LogDapr.Processing.Redaction;

/// <summary>Character classes shared by the matchers (ASCII only: what the presets look for is ASCII).</summary>
internal static class TextScan
{
    /// <summary>Letters, digits and '_' (what a regex <c>\w</c> would take), so a value glued to a word is not split.</summary>
    public static bool IsWord(char c) => char.IsLetterOrDigit(c) || c == '_';

    public static bool WordBefore(string text, int index) => index > 0 && IsWord(text[index - 1]);

    public static bool WordAt(string text, int index) => index < text.Length && IsWord(text[index]);

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
