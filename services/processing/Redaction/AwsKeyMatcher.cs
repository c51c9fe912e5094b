using System.Buffers;

namespace LogDapr.Processing.Redaction;

/// <summary>
/// AWS credentials: access key ids (<c>AKIA</c> long-term, <c>ASIA</c> temporary, then exactly 16 upper-case letters
/// or digits, as a whole word) and secret access keys: the 40-character value (letters, digits, <c>+</c>, <c>/</c>) after
/// <c>aws_secret_access_key</c> in any case and <c>=</c> or <c>:</c>, with optional quotes and spaces around
/// (env files, INI credentials, JSON). The key name stays, the value is redacted.
/// </summary>
internal sealed class AwsKeyMatcher() : PiiMatcher(RedactionPresets.AwsAccessKey)
{
    private const int SecretLength = 40;
    private static readonly SearchValues<string> Prefixes = SearchValues.Create(["AKIA", "ASIA"], StringComparison.Ordinal);
    private static readonly SearchValues<string> SecretName = SearchValues.Create(["aws_secret_access_key"], StringComparison.OrdinalIgnoreCase);

    public override void Find(string text, List<Candidate> found, int matcher)
    {
        FindIds(text, found, matcher);
        FindSecrets(text, found, matcher);
    }

    private static void FindIds(string text, List<Candidate> found, int matcher)
    {
        int pos = 0;
        while (pos < text.Length)
        {
            int rel = text.AsSpan(pos).IndexOfAny(Prefixes);
            if (rel < 0)
            {
                return;
            }

            int i = pos + rel;
            pos = i + 4;
            int end = i + 20;
            if (!TextScan.WordBefore(text, i) && end <= text.Length && !TextScan.WordAt(text, end)
                && !text.AsSpan(pos, 16).ContainsAnyExcept(UpperAlnum))
            {
                found.Add(new Candidate(i, 20, matcher));
                pos = end;
            }
        }
    }

    private static readonly SearchValues<char> UpperAlnum = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    private static readonly SearchValues<char> SecretChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");

    private static void FindSecrets(string text, List<Candidate> found, int matcher)
    {
        int pos = 0;
        while (pos < text.Length)
        {
            int rel = text.AsSpan(pos).IndexOfAny(SecretName);
            if (rel < 0)
            {
                return;
            }

            pos += rel + 21;
            int j = SkipQuotesAndSpaces(text, pos);
            if (j >= text.Length || text[j] is not ('=' or ':'))
            {
                continue;
            }

            int start = SkipQuotesAndSpaces(text, j + 1);
            int rest = start < text.Length ? text.AsSpan(start).IndexOfAnyExcept(SecretChars) : 0;
            int length = rest < 0 ? text.Length - start : rest;
            if (length == SecretLength)
            {
                found.Add(new Candidate(start, SecretLength, matcher));
                pos = start + SecretLength;
            }
        }
    }

    private static int SkipQuotesAndSpaces(string text, int j)
    {
        int limit = Math.Min(text.Length, j + 8);
        while (j < limit && text[j] is ' ' or '\t' or '"' or '\'')
        {
            j++;
        }

        return j;
    }
}
