using System.Buffers;

namespace LogDapr.Processing.Redaction;

/// <summary>
/// Basic credentials in two forms. <c>Basic &lt;base64&gt;</c> in any case (RFC 7617): the word stays, the
/// credentials are redacted, and only when the base64 decodes to something holding a <c>:</c> (user:password), so
/// "Basic settings" is left alone. URL userinfo with a password, <c>scheme://user:password@host</c>: the whole
/// <c>user:password</c> is redacted (a user name is often an API key or an email); a userinfo without <c>:</c>
/// (<c>ssh://git@github.com</c>) is not a credential and stays.
/// </summary>
internal sealed class BasicAuthMatcher() : PiiMatcher(RedactionPresets.BasicAuth)
{
    private const int MaxEncoded = 1024;
    private const int MaxAuthority = 2048;

    private static readonly SearchValues<string> Word = SearchValues.Create(["basic"], StringComparison.OrdinalIgnoreCase);
    private static readonly SearchValues<char> AuthorityEnd = SearchValues.Create(" \t\r\n/?#\"'<>`\\");

    public override void Find(string text, List<Candidate> found, int matcher)
    {
        FindHeader(text, found, matcher);
        FindUrls(text, found, matcher);
    }

    private static void FindHeader(string text, List<Candidate> found, int matcher)
    {
        int pos = 0;
        int j;
        while ((j = TextScan.NextSchemeValue(text, Word, 5, ref pos)) >= 0)
        {
            int end = j;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '+' or '/'))
            {
                end++;
            }

            // Padding only up to a multiple of four: an '=' after that belongs to the text ("Basic abc=" in key=value pairs).
            while (end < text.Length && (end - j) % 4 != 0 && text[end] == '=')
            {
                end++;
            }

            pos = Math.Max(end, j);
            if (end - j is >= 4 and <= MaxEncoded && !TextScan.WordAt(text, end) && !(end < text.Length && text[end] is '+' or '/') && DecodesToCredentials(text.AsSpan(j, end - j)))
            {
                found.Add(new Candidate(j, end - j, matcher));
            }
        }
    }

    private static bool DecodesToCredentials(ReadOnlySpan<char> encoded)
    {
        if (encoded.Length % 4 != 0)
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[MaxEncoded / 4 * 3];
        return Convert.TryFromBase64Chars(encoded, decoded, out int written) && decoded[..written].Contains((byte)':');
    }

    private static void FindUrls(string text, List<Candidate> found, int matcher)
    {
        int i = text.IndexOf("://", StringComparison.Ordinal);
        while (i >= 0)
        {
            int start = i + 3;
            if (i > 0 && char.IsAsciiLetterOrDigit(text[i - 1]))
            {
                int limit = Math.Min(text.Length, start + MaxAuthority);
                int rel = text.AsSpan(start, limit - start).IndexOfAny(AuthorityEnd);
                int authorityEnd = rel < 0 ? limit : start + rel;
                int at = text.LastIndexOf('@', authorityEnd - 1, authorityEnd - start);
                if (at > start && text.IndexOf(':', start, at - start) >= 0)
                {
                    found.Add(new Candidate(start, at - start, matcher));
                }
            }

            i = start < text.Length ? text.IndexOf("://", start, StringComparison.Ordinal) : -1;
        }
    }
}
