namespace LogDapr.Processing.Redaction;

/// <summary>
/// Payment card numbers: 13 to 19 digits, unbroken or printed in groups of four (the last shorter) or 4-6-5/4-6-4
/// (Amex, Diners) separated by single spaces or hyphens, starting with an issuer
/// prefix of a card network (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro) at a length that
/// network issues, and passing the Luhn check. The prefix rule keeps epoch-millisecond timestamps (13 digits starting
/// with 1) and most ids out; a Luhn-invalid number is never redacted.
/// </summary>
internal sealed class CreditCardMatcher() : PiiMatcher(RedactionPresets.CreditCard)
{
    private const int MaxDigits = 19;

    public override void Find(string text, List<Candidate> found, int matcher)
    {
        Span<char> digits = stackalloc char[MaxDigits + 1];
        int i = text.AsSpan().IndexOfAnyInRange('0', '9');
        while (i >= 0)
        {
            int next = i + 1;
            if (!TextScan.WordBefore(text, i))
            {
                int end = Match(text, i, digits);
                if (end > 0)
                {
                    found.Add(new Candidate(i, end - i, matcher));
                    next = end;
                }
            }
            else
            {
                // Inside a word or a number: skip the rest of the digits, none of them starts a card.
                next = TextScan.DigitRunEnd(text, i);
            }

            int rel = next < text.Length ? text.AsSpan(next).IndexOfAnyInRange('0', '9') : -1;
            i = rel < 0 ? -1 : next + rel;
        }
    }

    /// <summary>The end of the longest card number starting at <paramref name="start"/>, or -1.</summary>
    private static int Match(string text, int start, Span<char> digits)
    {
        int count = 0;
        int j = start;
        int best = -1;
        int groups = 0;
        int firstGroup = 0;
        int secondGroup = 0;
        bool fours = true; // every group before the current one has four digits
        while (true)
        {
            int groupStart = count;
            while (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                if (count == MaxDigits)
                {
                    return best; // a longer number is an id, not a card; a shorter prefix ending a group may be one
                }

                digits[count++] = text[j++];
            }

            int size = count - groupStart;
            groups++;
            firstGroup = groups == 1 ? size : firstGroup;
            secondGroup = groups == 2 ? size : secondGroup;

            // The end of a group: a card if the digits so far are one, printed the way cards are, and nothing
            // word-like follows.
            bool printed = groups == 1 || (fours && size <= 4) || (groups == 3 && firstGroup == 4 && secondGroup == 6 && size is 4 or 5);
            if (count >= 13 && printed && !TextScan.WordAt(text, j) && IsIssued(digits[..count]) && Checksums.Luhn(digits[..count]))
            {
                best = j;
            }

            fours &= size == 4;

            if (j + 1 < text.Length && text[j] is ' ' or '-' && char.IsAsciiDigit(text[j + 1]))
            {
                j++;
                continue;
            }

            return best;
        }
    }

    /// <summary>Issuer prefixes and the lengths their networks issue (ISO/IEC 7812 IIN ranges).</summary>
    private static bool IsIssued(ReadOnlySpan<char> d)
    {
        int n = d.Length;
        int two = (d[0] - '0') * 10 + (d[1] - '0');
        int four = two * 100 + (d[2] - '0') * 10 + (d[3] - '0');
        return d[0] switch
        {
            '4' => n is 13 or 16 or 19,                                           // Visa
            '5' => two is >= 51 and <= 55 ? n == 16 : two is 50 or (>= 56 and <= 58), // Mastercard, Maestro
            '2' => four is >= 2221 and <= 2720 && n == 16,                        // Mastercard 2-series
            '3' => two switch
            {
                34 or 37 => n == 15,                                             // Amex
                35 => four is >= 3528 and <= 3589 && n >= 16,                    // JCB
                30 or 36 or 38 or 39 => n >= 14,                                 // Diners
                _ => false,
            },
            '6' => (four == 6011 || two is 62 or 65 or 67 || four is >= 6440 and <= 6499) && n >= 16, // Discover, UnionPay, Maestro
            _ => false,
        };
    }
}
