namespace LogDapr.Processing.Redaction;

/// <summary>
/// JSON Web Tokens (JWS compact form): three base64url segments separated by dots, the header starting <c>eyJ</c>
/// (base64 of <c>{"</c>), header at least 10 and payload at least 4 characters; the signature may be empty
/// (an unsecured token).
/// </summary>
internal sealed class JwtMatcher() : PiiMatcher(RedactionPresets.Jwt)
{
    public override void Find(string text, List<Candidate> found, int matcher)
    {
        int i = text.IndexOf("eyJ", StringComparison.Ordinal);
        while (i >= 0)
        {
            int next = i + 3;
            if (i == 0 || !IsBase64Url(text[i - 1]))
            {
                int header = RunEnd(text, i);
                next = header;
                if (header - i >= 10 && header < text.Length && text[header] == '.')
                {
                    int payload = RunEnd(text, header + 1);
                    next = payload;
                    if (payload - header - 1 >= 4 && payload < text.Length && text[payload] == '.')
                    {
                        int signature = RunEnd(text, payload + 1);
                        found.Add(new Candidate(i, signature - i, matcher));
                        next = signature;
                    }
                }
            }

            i = next < text.Length ? text.IndexOf("eyJ", next, StringComparison.Ordinal) : -1;
        }
    }

    private static bool IsBase64Url(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    private static int RunEnd(string text, int j)
    {
        while (j < text.Length && IsBase64Url(text[j]))
        {
            j++;
        }

        return j;
    }
}
