namespace LogDapr.Processing.Redaction;

/// <summary>
/// IPv6 addresses in full (eight groups), compressed (<c>::</c>) and IPv4-mapped/embedded (<c>::ffff:1.2.3.4</c>)
/// forms, as a whole token: a run of letters, digits, <c>:</c> and <c>.</c> that is exactly one address (after a
/// trailing <c>.</c> or single <c>:</c>, and after a leading non-hex label such as <c>ip:</c>). So <c>12:30:45</c>,
/// MAC addresses and <c>std::string</c> are left alone. To keep words like <c>add::</c> out, a compressed address
/// with fewer than three groups needs a decimal digit. A zone (<c>%eth0</c>) or a port outside brackets is not part of it.
/// </summary>
internal sealed class Ipv6Matcher() : PiiMatcher(RedactionPresets.Ipv6)
{
    private const int MaxLength = 45;

    public override void Find(string text, List<Candidate> found, int matcher)
    {
        int colon = text.IndexOf(':');
        while (colon >= 0)
        {
            int start = colon;
            while (start > 0 && IsToken(text[start - 1]))
            {
                start--;
            }

            int end = colon;
            while (end < text.Length && IsToken(text[end]))
            {
                end++;
            }

            // Each token is looked at once: the next search starts after it.
            if (Address(text, start, end) is var (s, e))
            {
                found.Add(new Candidate(s, e - s, matcher));
            }

            colon = end < text.Length ? text.IndexOf(':', end) : -1;
        }
    }

    private static bool IsToken(char c) => TextScan.IsWord(c) || c is ':' or '.';

    private static (int Start, int End)? Address(string text, int start, int end)
    {
        while (end > start && text[end - 1] == '.')
        {
            end--;
        }

        if (end - start > 1 && text[end - 1] == ':' && text[end - 2] != ':')
        {
            end--;
        }

        if (IsAddress(text.AsSpan(start, end - start)))
        {
            return (start, end);
        }

        int label = text.IndexOf(':', start, end - start);
        if (label > start && text.AsSpan(start, label - start).ContainsAnyExcept(HexDigits) && IsAddress(text.AsSpan(label + 1, end - label - 1)))
        {
            return (label + 1, end);
        }

        return null;
    }

    private static readonly System.Buffers.SearchValues<char> HexDigits =
        System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    public static bool IsAddress(ReadOnlySpan<char> s)
    {
        if (s.Length is < 2 or > MaxLength)
        {
            return false;
        }

        int compressed = s.IndexOf("::");
        if (compressed >= 0 && s[(compressed + 2)..].Contains("::", StringComparison.Ordinal))
        {
            return false;
        }

        int groups;
        if (compressed < 0)
        {
            groups = Groups(s, lastMayBeIpv4: true);
            return groups == 8;
        }

        var head = s[..compressed];
        var tail = s[(compressed + 2)..];
        int headGroups = head.IsEmpty ? 0 : Groups(head, lastMayBeIpv4: false);
        int tailGroups = tail.IsEmpty ? 0 : Groups(tail, lastMayBeIpv4: true);
        if (headGroups < 0 || tailGroups < 0)
        {
            return false;
        }

        groups = headGroups + tailGroups;
        return groups <= 7 && (groups >= 3 || s.ContainsAnyInRange('0', '9'));
    }

    /// <summary>The number of 16-bit groups in colon-separated hex groups (an IPv4 tail counts two), or -1.</summary>
    private static int Groups(ReadOnlySpan<char> s, bool lastMayBeIpv4)
    {
        int groups = 0;
        while (true)
        {
            int colon = s.IndexOf(':');
            var group = colon < 0 ? s : s[..colon];
            if (colon < 0 && lastMayBeIpv4 && group.Contains('.'))
            {
                return IsIpv4(group) ? groups + 2 : -1;
            }

            if (group.Length is 0 or > 4 || group.ContainsAnyExcept(HexDigits))
            {
                return -1;
            }

            groups++;
            if (colon < 0)
            {
                return groups;
            }

            s = s[(colon + 1)..];
        }
    }

    private static bool IsIpv4(ReadOnlySpan<char> s)
    {
        string text = s.ToString();
        return Ipv4Matcher.Match(text, 0) == text.Length;
    }
}
