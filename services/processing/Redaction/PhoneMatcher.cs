using System.Buffers;

namespace LogDapr.Processing.Redaction;

/// <summary>
/// Phone numbers in three shapes only, so plain numbers (ids, timestamps, amounts, dates, versions) stay:
/// <list type="bullet">
/// <item>E.164: <c>+</c>, a country code not starting with 0, 8 to 15 digits in all, in groups separated by single
/// spaces, hyphens or dots, one group may be in parentheses (<c>+1 (555) 123-4567</c>, <c>+44 20 7946 0958</c>,
/// <c>+4915112345678</c>).</item>
/// <item>North American: <c>555-123-4567</c>, <c>555.123.4567</c>, <c>555 123 4567</c> (the same separator twice),
/// <c>(555) 123-4567</c>, <c>(555)123-4567</c>, optionally led by <c>1-</c>/<c>1 </c>; the area code starts 2-9.</item>
/// <item>National with a trunk 0: three or more groups of 2 to 5 digits, the first starting with 0, one separator
/// throughout, 10 or 11 digits in all (<c>020 7946 0958</c>, <c>06 12 34 56 78</c>, <c>030-1234-5678</c>).</item>
/// </list>
/// The groups must be the whole number: one glued to a word, or continued by more digit groups, is not a phone.
/// </summary>
internal sealed class PhoneMatcher() : PiiMatcher(RedactionPresets.Phone)
{
    private const int MaxGroups = 8;
    private const int MaxDigits = 15;

    private static readonly SearchValues<char> Starts = SearchValues.Create("0123456789+(");

    public override void Find(string text, List<Candidate> found, int matcher)
    {
        Span<Group> groups = stackalloc Group[MaxGroups];
        int i = text.AsSpan().IndexOfAny(Starts);
        while (i >= 0)
        {
            int next = i + 1;
            if (CanStart(text, i))
            {
                int end = Match(text, i, groups);
                if (end > 0)
                {
                    found.Add(new Candidate(i, end - i, matcher));
                    next = end;
                }
            }

            if (next < text.Length && char.IsAsciiDigit(text[next - 1]))
            {
                next = TextScan.DigitRunEnd(text, next);
            }

            int rel = next < text.Length ? text.AsSpan(next).IndexOfAny(Starts) : -1;
            i = rel < 0 ? -1 : next + rel;
        }
    }

    private static bool CanStart(string text, int i)
    {
        if (i == 0)
        {
            return true;
        }

        char before = text[i - 1];
        // Not the middle of a word, of a number, or of a longer separated number ("12-555-123-4567").
        return !TextScan.IsWord(before) && before != '+'
            && !(before is ' ' or '-' or '.' && TextScan.DigitAt(text, i - 2));
    }

    private record struct Group(int Digits, bool Parenthesized, char SeparatorBefore, char FirstDigit, int End);

    private static int Match(string text, int start, Span<Group> groups)
    {
        bool plus = text[start] == '+';
        int j = plus ? start + 1 : start;
        int count = 0;
        int total = 0;
        char separator = '\0';
        while (true)
        {
            bool paren = j < text.Length && text[j] == '(';
            if (paren)
            {
                j++;
            }

            int end = TextScan.DigitRunEnd(text, j);
            int digits = end - j;
            if (digits == 0 || count == MaxGroups || total + digits > MaxDigits)
            {
                if (count == 0)
                {
                    return -1;
                }

                // Too long for a phone from here on: what came before may still be one, followed by other text.
                j = groups[count - 1].End;
                break;
            }

            total += digits;

            char first = text[j];
            j = end;
            if (paren)
            {
                if (j >= text.Length || text[j] != ')')
                {
                    return -1;
                }

                j++;
            }

            groups[count++] = new Group(digits, paren, separator, first, j);
            if (j + 1 < text.Length && text[j] is ' ' or '-' or '.' && StartsGroup(text, j + 1))
            {
                separator = text[j];
                j++;
            }
            else if (paren && TextScan.DigitAt(text, j))
            {
                separator = '\0';
            }
            else
            {
                break;
            }
        }

        // The whole run of groups first; then, when more follows after a space ("call 555 123 4567 2 times",
        // "+1 555 123 4567 8a3f…"), the groups before that space.
        for (int k = count; k >= 1; k--)
        {
            if (k < count && groups[k].SeparatorBefore != ' ')
            {
                continue;
            }

            int end = groups[k - 1].End;
            if (TextScan.WordAt(text, end))
            {
                continue;
            }

            var some = groups[..k];
            int digits = 0;
            foreach (var g in some)
            {
                digits += g.Digits;
            }

            if (plus ? IsE164(some, digits) : IsNorthAmerican(some) || IsTrunk(some, digits))
            {
                return end;
            }
        }

        return -1;
    }

    /// <summary>A digit, or a parenthesized group: "(" digits ")".</summary>
    private static bool StartsGroup(string text, int i)
    {
        if (char.IsAsciiDigit(text[i]))
        {
            return true;
        }

        if (text[i] != '(' || !TextScan.DigitAt(text, i + 1))
        {
            return false;
        }

        int end = TextScan.DigitRunEnd(text, i + 1);
        return end < text.Length && text[end] == ')';
    }

    private static bool IsE164(ReadOnlySpan<Group> groups, int total)
    {
        int parens = 0;
        foreach (var g in groups)
        {
            parens += g.Parenthesized ? 1 : 0;
        }

        return total >= 8 && !groups[0].Parenthesized && groups[0].FirstDigit != '0' && parens <= 1;
    }

    private static bool IsNorthAmerican(ReadOnlySpan<Group> groups)
    {
        if (groups.Length == 4 && groups[0] is { Digits: 1, FirstDigit: '1', Parenthesized: false })
        {
            groups = groups[1..];
        }

        if (groups.Length != 3 || groups[0].Digits != 3 || groups[1].Digits != 3 || groups[2].Digits != 4
            || groups[0].FirstDigit is '0' or '1' || groups[1].Parenthesized || groups[2].Parenthesized)
        {
            return false;
        }

        return groups[0].Parenthesized
            ? groups[1].SeparatorBefore is '\0' or ' ' && groups[2].SeparatorBefore == '-'
            : groups[1].SeparatorBefore == groups[2].SeparatorBefore;
    }

    private static bool IsTrunk(ReadOnlySpan<Group> groups, int total)
    {
        if (groups.Length < 3 || total is < 10 or > 11 || groups[0].FirstDigit != '0' || groups[0].Parenthesized)
        {
            return false;
        }

        char separator = groups[1].SeparatorBefore;
        foreach (var g in groups)
        {
            if (g.Digits is < 2 or > 5 || g.Parenthesized || (g.SeparatorBefore != '\0' && g.SeparatorBefore != separator))
            {
                return false;
            }
        }

        return true;
    }
}
