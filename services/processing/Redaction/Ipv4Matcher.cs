namespace LogDapr.Processing.Redaction;

/// <summary>
/// Dotted-quad IPv4 addresses: four decimal octets 0-255 without leading zeros, not part of a longer dotted number
/// (so a five-part version <c>1.2.3.4.5</c> is left alone; a four-part one that is a valid address is not).
/// </summary>
internal sealed class Ipv4Matcher() : PiiMatcher(RedactionPresets.Ipv4)
{
    public override void Find(string text, List<Candidate> found, int matcher)
    {
        int i = text.AsSpan().IndexOfAnyInRange('0', '9');
        while (i >= 0)
        {
            int next = TextScan.DigitRunEnd(text, i);
            if (!TextScan.WordBefore(text, i) && !(i > 0 && text[i - 1] == '.' && TextScan.DigitAt(text, i - 2)))
            {
                int end = Match(text, i);
                if (end > 0)
                {
                    found.Add(new Candidate(i, end - i, matcher));
                    next = end;
                }
            }

            int rel = next < text.Length ? text.AsSpan(next).IndexOfAnyInRange('0', '9') : -1;
            i = rel < 0 ? -1 : next + rel;
        }
    }

    /// <summary>The end of the address starting at <paramref name="start"/>, or -1.</summary>
    public static int Match(string text, int start)
    {
        int j = start;
        for (int octet = 0; octet < 4; octet++)
        {
            if (octet > 0)
            {
                if (j >= text.Length || text[j] != '.')
                {
                    return -1;
                }

                j++;
            }

            int end = TextScan.DigitRunEnd(text, j);
            int length = end - j;
            if (length is 0 or > 3 || (length > 1 && text[j] == '0') || int.Parse(text.AsSpan(j, length), System.Globalization.CultureInfo.InvariantCulture) > 255)
            {
                return -1;
            }

            j = end;
        }

        bool continues = TextScan.WordAt(text, j) || (j < text.Length && text[j] == '.' && TextScan.DigitAt(text, j + 1));
        return continues ? -1 : j;
    }
}
