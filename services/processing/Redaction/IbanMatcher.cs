using System.Collections.Frozen;

namespace LogDapr.Processing.Redaction;

/// <summary>
/// IBANs (ISO 13616): a registered country code, two check digits and the BBAN, exactly the length that country
/// uses, upper case, either unbroken (<c>DE89370400440532013000</c>) or in the printed form with a single space after
/// every four characters (<c>DE89 3704 0044 0532 0130 00</c>), and passing the mod-97 check.
/// </summary>
internal sealed class IbanMatcher() : PiiMatcher(RedactionPresets.Iban)
{
    // IBAN lengths per country, from the SWIFT IBAN registry.
    private static readonly FrozenDictionary<int, int> Lengths = (
        "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 EE20 EG29 " +
        "ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HN28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 " +
        "LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 " +
        "PT25 QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30")
        .Split(' ')
        .ToFrozenDictionary(entry => Key(entry[0], entry[1]), entry => int.Parse(entry.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture));

    private static int Key(char a, char b) => a << 8 | b;

    public override void Find(string text, List<Candidate> found, int matcher)
    {
        Span<char> iban = stackalloc char[34];
        int i = text.AsSpan().IndexOfAnyInRange('0', '9');
        while (i >= 0)
        {
            // i is the first check digit: the country code is the two letters before it.
            int start = i - 2;
            int next = TextScan.DigitRunEnd(text, i);
            if (start >= 0 && char.IsAsciiLetterUpper(text[start]) && char.IsAsciiLetterUpper(text[start + 1])
                && TextScan.DigitAt(text, i + 1) && !TextScan.WordBefore(text, start)
                && Lengths.TryGetValue(Key(text[start], text[start + 1]), out int length))
            {
                int end = Match(text, start, length, iban);
                if (end > 0)
                {
                    found.Add(new Candidate(start, end - start, matcher));
                    next = end;
                }
            }

            int rel = next < text.Length ? text.AsSpan(next).IndexOfAnyInRange('0', '9') : -1;
            i = rel < 0 ? -1 : next + rel;
        }
    }

    private static int Match(string text, int start, int length, Span<char> iban)
    {
        int count = 0;
        int j = start;
        bool spaced = false;
        while (count < length && j < text.Length)
        {
            char c = text[j];
            if (c == ' ' && count % 4 == 0 && (spaced || count == 4) && j + 1 < text.Length && text[j + 1] != ' ')
            {
                spaced = true;
                j++;
                continue;
            }

            if (!char.IsAsciiDigit(c) && !char.IsAsciiLetterUpper(c))
            {
                return -1;
            }

            iban[count++] = c;
            j++;
            if (spaced && count % 4 == 0 && count < length && (j >= text.Length || text[j] != ' '))
            {
                return -1; // the printed form breaks after every group of four
            }
        }

        return count == length && !TextScan.WordAt(text, j) && Checksums.IbanMod97(iban[..length]) ? j : -1;
    }
}
