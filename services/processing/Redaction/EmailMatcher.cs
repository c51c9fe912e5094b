namespace LogDapr.Processing.Redaction;

/// <summary>
/// <c>local@domain.tld</c>: local part of ASCII letters, digits and <c>._%+-</c> (not the rarer RFC 5322 symbols,
/// so <c>key=user@example.com</c> keeps its <c>key=</c>); a domain of at least two dot-separated labels (letters,
/// digits, inner hyphens) ending in an alphabetic TLD of two or more letters.
/// </summary>
internal sealed class EmailMatcher() : PiiMatcher(RedactionPresets.Email)
{
    public override void Find(string text, List<Candidate> found, int matcher)
    {
        // The left scan stops at the previous '@' and the right scan at the next one, so the scans of successive
        // '@' never cover the same text twice: linear.
        int at = text.IndexOf('@');
        while (at >= 0)
        {
            int end = at + 1;
            int start = at;
            while (start > 0 && IsLocal(text[start - 1]))
            {
                start--;
            }

            while (start < at && text[start] == '.')
            {
                start++;
            }

            if (start < at && text[at - 1] != '.')
            {
                int domainEnd = DomainEnd(text, at + 1);
                if (domainEnd > 0)
                {
                    found.Add(new Candidate(start, domainEnd - start, matcher));
                    end = domainEnd;
                }
            }

            at = end < text.Length ? text.IndexOf('@', end) : -1;
        }
    }

    private static bool IsLocal(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '-';

    private static bool IsDomain(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '-';

    /// <summary>The end of a valid domain starting at <paramref name="start"/>, or -1.</summary>
    private static int DomainEnd(string text, int start)
    {
        int end = start;
        while (end < text.Length && IsDomain(text[end]))
        {
            end++;
        }

        // A sentence may end right after the address ("mail bob@example.com."): trailing dots and hyphens are not
        // part of it.
        while (end > start && text[end - 1] is '.' or '-')
        {
            end--;
        }

        if (end < text.Length && text[end] == '_')
        {
            return -1;
        }

        var domain = text.AsSpan(start, end - start);
        int labels = 0;
        int lastLabelStart = 0;
        int labelStart = 0;
        for (int i = 0; i <= domain.Length; i++)
        {
            if (i == domain.Length || domain[i] == '.')
            {
                var label = domain[labelStart..i];
                if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
                {
                    return -1;
                }

                labels++;
                lastLabelStart = labelStart;
                labelStart = i + 1;
            }
        }

        var tld = domain[lastLabelStart..];
        if (labels < 2 || tld.Length < 2 || tld.ContainsAnyExcept(Letters))
        {
            return -1;
        }

        return end;
    }

    private static readonly System.Buffers.SearchValues<char> Letters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
}
