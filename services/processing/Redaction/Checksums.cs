namespace LogDapr.Processing.Redaction;

/// <summary>The check-digit algorithms that tell a card or an IBAN from any other number of the same shape.</summary>
internal static class Checksums
{
    /// <summary>Luhn (ISO/IEC 7812) over ASCII digits.</summary>
    public static bool Luhn(ReadOnlySpan<char> digits)
    {
        int sum = 0;
        bool twice = false;
        for (int i = digits.Length - 1; i >= 0; i--)
        {
            int d = digits[i] - '0';
            if (twice)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            twice = !twice;
        }

        return sum % 10 == 0;
    }

    /// <summary>ISO 13616 / ISO 7064 mod 97-10 over an IBAN without spaces (upper-case letters and digits).</summary>
    public static bool IbanMod97(ReadOnlySpan<char> iban)
    {
        int remainder = 0;
        for (int k = 0; k < iban.Length; k++)
        {
            char c = iban[(k + 4) % iban.Length];
            remainder = char.IsAsciiDigit(c)
                ? (remainder * 10 + (c - '0')) % 97
                : (remainder * 100 + (c - 'A' + 10)) % 97;
        }

        return remainder == 1;
    }
}
