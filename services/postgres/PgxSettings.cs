namespace LogDapr.Postgres;

/// <summary>
/// Reads a connection string the way pgx v5 does (pgconn/config.go ParseConfigWithOptions, parseURLSettings and
/// parseKeywordValueSettings at v5.7.4, the version components-contrib v1.16 builds daprd's PostgreSQL components
/// with): a <c>postgres://</c> or <c>postgresql://</c> URL (case-sensitive prefix, Go's net/url rules), anything else
/// as libpq keyword/value pairs separated by whitespace. The result is pgx's settings map before defaults: keys as
/// written (<c>dbname</c> becomes <c>database</c>), several hosts and ports joined with ','. Pure. Error messages
/// never quote the input, which usually holds a password.
/// </summary>
public static class PgxSettings
{
    public const string Host = "host";
    public const string Port = "port";
    public const string User = "user";
    public const string Password = "password";
    public const string Database = "database";

    public static bool IsUrl(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        return connectionString.StartsWith("postgres://", StringComparison.Ordinal) || connectionString.StartsWith("postgresql://", StringComparison.Ordinal);
    }

    /// <exception cref="FormatException">pgx would refuse the string; the message says why without quoting it.</exception>
    public static IReadOnlyDictionary<string, string> Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        return IsUrl(connectionString) ? ParseUrl(connectionString) : ParseKeywordValue(connectionString);
    }

    /// <summary>pgx's parseKeywordValueSettings: only "\\" and "\'" are unescaped, as there.</summary>
    internal static Dictionary<string, string> ParseKeywordValue(string s)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < s.Length)
        {
            var eq = s.IndexOf('=', i);
            if (eq < 0)
            {
                throw new FormatException("it is not a URL and a part of it is not keyword=value");
            }
            var key = s[i..eq].Trim(GoSpace);
            i = eq + 1;
            while (i < s.Length && IsGoSpace(s[i]))
            {
                i++;
            }
            var start = i;
            string raw;
            if (i < s.Length && s[i] == '\'')
            {
                start = ++i;
                while (i < s.Length && s[i] != '\'')
                {
                    i += s[i] == '\\' ? 2 : 1;
                }
                if (i >= s.Length)
                {
                    throw new FormatException("a quoted value has no closing quote");
                }
                raw = s[start..i];
            }
            else
            {
                while (i < s.Length && !IsGoSpace(s[i]))
                {
                    if (s[i] == '\\')
                    {
                        i++;
                        if (i == s.Length)
                        {
                            throw new FormatException("it ends with a backslash");
                        }
                    }
                    i++;
                }
                raw = s[start..i];
            }
            i = Math.Min(i + 1, s.Length);
            if (key.Length == 0)
            {
                throw new FormatException("it has a '=' without a keyword before it");
            }
            settings[key == "dbname" ? Database : key] = raw.Replace("\\\\", "\\", StringComparison.Ordinal).Replace("\\'", "'", StringComparison.Ordinal);
        }
        return settings;
    }

    /// <summary>Go's url.Parse as far as pgx's parseURLSettings depends on it, then that function.</summary>
    internal static Dictionary<string, string> ParseUrl(string url)
    {
        if (url.Any(c => c < 0x20 || c == 0x7f))
        {
            throw new FormatException("the URL contains a control character (a line break or tab?)");
        }
        var rest = url;
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            rest = rest[..hash];
        }
        var query = "";
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            query = rest[(question + 1)..];
            rest = rest[..question];
        }
        rest = rest[(rest.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "" : rest[slash..];

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        var at = authority.LastIndexOf('@');
        var hostPart = authority;
        if (at >= 0)
        {
            var userinfo = authority[..at];
            hostPart = authority[(at + 1)..];
            if (!userinfo.All(IsUserinfoChar))
            {
                throw new FormatException("the URL's user name or password has a character that must be percent-encoded (e.g. a space, '/', '?', '#', '[' or ']')");
            }
            var colon = userinfo.IndexOf(':', StringComparison.Ordinal);
            settings[User] = Unescape(colon < 0 ? userinfo : userinfo[..colon], plusIsSpace: false, "user name");
            if (colon >= 0)
            {
                settings[Password] = Unescape(userinfo[(colon + 1)..], plusIsSpace: false, "password");
            }
        }

        CheckGoHost(hostPart);
        var hosts = new List<string>();
        var ports = new List<string>();
        foreach (var entry in hostPart.Split(','))
        {
            if (entry.Length == 0)
            {
                continue;
            }
            if (IsIpOnly(entry))
            {
                hosts.Add(entry.Trim('[', ']'));
                continue;
            }
            var (host, port) = SplitHostPort(entry);
            if (host.Length > 0)
            {
                hosts.Add(host);
            }
            if (port.Length > 0)
            {
                ports.Add(port);
            }
        }
        if (hosts.Count > 0)
        {
            settings[Host] = string.Join(',', hosts);
        }
        if (ports.Count > 0)
        {
            settings[Port] = string.Join(',', ports);
        }

        var database = Unescape(path, plusIsSpace: false, "database name").TrimStart('/');
        if (database.Length > 0)
        {
            settings[Database] = database;
        }

        // url.Values keeps every value of a key and pgx takes the first; Go drops a pair it cannot decode (or one with
        // ';'), which would silently lose a setting, so that is refused here.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var rawKey = eq < 0 ? pair : pair[..eq];
            if (rawKey.Contains(';', StringComparison.Ordinal))
            {
                throw new FormatException("a query parameter of the URL contains ';' (separate parameters with '&')");
            }
            var key = Unescape(rawKey, plusIsSpace: true, "query parameter");
            var value = eq < 0 ? "" : Unescape(pair[(eq + 1)..], plusIsSpace: true, "query parameter");
            if (seen.Add(key))
            {
                settings[key == "dbname" ? Database : key] = value;
            }
        }
        return settings;
    }

    /// <summary>Go's parseHost checks: a bracketed IPv6 literal, the characters of a host name, digits after the last ':'.</summary>
    private static void CheckGoHost(string host)
    {
        string rest;
        if (host.StartsWith('['))
        {
            var close = host.LastIndexOf(']');
            if (close < 0)
            {
                throw new FormatException("the URL's host starts with '[' but has no ']'");
            }
            rest = host[(close + 1)..];
            if (rest.Length > 0 && (rest[0] != ':' || !rest[1..].All(char.IsAsciiDigit)))
            {
                throw new FormatException("the URL's port is not a number (a '/', '?', '#' or '@' in the password must be percent-encoded)");
            }
            return;
        }
        var lastColon = host.LastIndexOf(':');
        if (lastColon >= 0 && !host[(lastColon + 1)..].All(char.IsAsciiDigit))
        {
            throw new FormatException("the URL's port is not a number (a '/', '?', '#' or '@' in the password must be percent-encoded)");
        }
        if (!host.All(c => char.IsAsciiLetterOrDigit(c) || c > 0x7f || "-_.~!$&'()*+,;=:[]<>\"".Contains(c, StringComparison.Ordinal)))
        {
            throw new FormatException("the URL's host contains a character a host name cannot have (a '/', '?', '#' or '@' in the password must be percent-encoded)");
        }
    }

    /// <summary>Go's net.SplitHostPort for one entry that has a ':' and is not an IP address.</summary>
    private static (string Host, string Port) SplitHostPort(string entry)
    {
        if (entry.StartsWith('['))
        {
            var close = entry.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= entry.Length || entry[close + 1] != ':')
            {
                throw new FormatException("a host of the URL is malformed (write an IPv6 address as [address]:port)");
            }
            return (entry[1..close], entry[(close + 2)..]);
        }
        var colon = entry.LastIndexOf(':');
        if (entry.IndexOf(':', StringComparison.Ordinal) != colon)
        {
            throw new FormatException("a host of the URL has too many colons (write an IPv6 address as [address]:port)");
        }
        return (entry[..colon], entry[(colon + 1)..]);
    }

    private static bool IsUserinfoChar(char c) => char.IsAsciiLetterOrDigit(c) || "-._:~!$&'()*+,;=%@".Contains(c, StringComparison.Ordinal);

    /// <summary>Go's url unescape: "%XX" must be two hex digits; '+' is a space in a query only.</summary>
    private static string Unescape(string s, bool plusIsSpace, string what)
    {
        for (var i = s.IndexOf('%', StringComparison.Ordinal); i >= 0; i = s.IndexOf('%', i + 1))
        {
            if (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2]))
            {
                throw new FormatException($"the URL's {what} has a '%' that is not followed by two hex digits (write a literal '%' as %25)");
            }
        }
        // '+' first, so an encoded "%2B" stays a plus.
        return Uri.UnescapeDataString(plusIsSpace ? s.Replace('+', ' ') : s);
    }

    /// <summary>Go's isIPOnly in pgx: no ':' at all, or an IPv6 literal without a port (bracketed or not).</summary>
    private static bool IsIpOnly(string entry)
    {
        if (!entry.Contains(':', StringComparison.Ordinal))
        {
            return true;
        }
        var bare = entry.Trim('[', ']');
        return !bare.Contains('[', StringComparison.Ordinal) && !bare.Contains(']', StringComparison.Ordinal)
            && System.Net.IPAddress.TryParse(bare, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
    }

    private static readonly char[] GoSpace = [' ', '\t', '\n', '\r', '\v', '\f'];

    private static bool IsGoSpace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\v' or '\f';
}
