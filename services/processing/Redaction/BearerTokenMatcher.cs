using System.Buffers;

namespace LogDapr.Processing.Redaction;

/// <summary>
/// <c>Bearer &lt;token&gt;</c> in any case (RFC 6750): the word stays, the token (RFC 6750 b64token characters) is
/// redacted. To leave prose ("the bearer of the message") alone the token must be at least 8 characters and hold a
/// digit or one of <c>-._~+/=</c>, or be at least 20 letters.
/// </summary>
internal sealed class BearerTokenMatcher() : PiiMatcher(RedactionPresets.BearerToken)
{
    private static readonly SearchValues<string> Word = SearchValues.Create(["bearer"], StringComparison.OrdinalIgnoreCase);

    public override void Find(string text, List<Candidate> found, int matcher)
    {
        int pos = 0;
        int j;
        while ((j = TextScan.NextSchemeValue(text, Word, 6, ref pos)) >= 0)
        {
            int end = TokenEnd(text, j);
            if (end > 0)
            {
                found.Add(new Candidate(j, end - j, matcher));
                pos = end;
            }
            else
            {
                pos = j;
            }
        }
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '+' or '/';

    private static int TokenEnd(string text, int start)
    {
        int j = start;
        bool symbolOrDigit = false;
        while (j < text.Length && IsTokenChar(text[j]))
        {
            symbolOrDigit |= !char.IsAsciiLetter(text[j]);
            j++;
        }

        int padding = j;
        while (padding < text.Length && text[padding] == '=')
        {
            padding++;
        }

        // Padding ends a token; '=' followed by a word is the text's own ("Bearer abc123=next").
        if (padding > j && !TextScan.WordAt(text, padding))
        {
            symbolOrDigit = true;
            j = padding;
        }

        // A sentence may end right after the token.
        while (j > start && text[j - 1] == '.')
        {
            j--;
        }

        int length = j - start;
        return length >= 8 && (symbolOrDigit || length >= 20) && !TextScan.WordAt(text, j) ? j : -1;
    }
}
