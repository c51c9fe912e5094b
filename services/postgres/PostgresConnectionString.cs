using System.Text;

namespace LogDapr.Postgres;

/// <summary>
/// One Postgres connection string serves both sides of the sink: Dapr's PostgreSQL binding (pgx) takes libpq
/// keyword/value (<c>host=h port=5432 user=u dbname=d</c>) or URL (<c>postgres://u:p@h:5432/d</c>) strings, while
/// Npgsql takes <c>Host=h;Port=5432;...</c>. This converts the first two into the third so a single Secret
/// works for both. Pure.
/// </summary>
public static class PostgresConnectionString
{
    private static readonly Dictionary<string, string> KeywordMap = new(StringComparer.OrdinalIgnoreCase)
    {
        ["host"] = "Host",
        ["hostaddr"] = "Host",
        ["port"] = "Port",
        ["user"] = "Username",
        ["password"] = "Password",
        ["dbname"] = "Database",
        ["database"] = "Database",
        ["sslmode"] = "SSL Mode",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
        ["search_path"] = "Search Path",
        ["pool_max_conns"] = "Maximum Pool Size",
        ["pool_min_conns"] = "Minimum Pool Size",
    };

    /// <summary>Returns an Npgsql connection string; Npgsql-format input is returned unchanged.</summary>
    public static string ToNpgsql(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var trimmed = connectionString.Trim();
        if (trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return FromUrl(trimmed);
        }

        return IsNpgsqlForm(trimmed) ? trimmed : FromKeywordValue(trimmed);
    }

    /// <summary>
    /// Both forms start with <c>key=value</c>; they differ in what ends the first value: ';' in Npgsql's form,
    /// whitespace or the end in libpq's. Quoted values are skipped so a ';' inside a password does not decide it.
    /// </summary>
    private static bool IsNpgsqlForm(string s)
    {
        var i = s.IndexOf('=', StringComparison.Ordinal);
        if (i < 0)
        {
            return true;
        }

        i++;
        while (i < s.Length && char.IsWhiteSpace(s[i]))
        {
            i++;
        }

        if (i < s.Length && s[i] is '\'' or '"')
        {
            var quote = s[i++];
            while (i < s.Length && s[i] != quote)
            {
                i += s[i] == '\\' ? 2 : 1;
            }

            i++;
        }
        else
        {
            while (i < s.Length && s[i] != ';' && !char.IsWhiteSpace(s[i]))
            {
                i++;
            }
        }

        while (i < s.Length && char.IsWhiteSpace(s[i]) && s[i] != ';')
        {
            i++;
        }

        return i < s.Length && s[i] == ';';
    }

    private static string FromUrl(string url)
    {
        var uri = new Uri(url);
        var parts = new List<(string, string)>();
        if (!string.IsNullOrEmpty(uri.Host))
        {
            parts.Add(("Host", uri.Host));
        }

        if (uri.Port > 0)
        {
            parts.Add(("Port", uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var userInfo = uri.UserInfo.Split(':', 2);
            parts.Add(("Username", Uri.UnescapeDataString(userInfo[0])));
            if (userInfo.Length == 2)
            {
                parts.Add(("Password", Uri.UnescapeDataString(userInfo[1])));
            }
        }

        var database = uri.AbsolutePath.TrimStart('/');
        if (database.Length > 0)
        {
            parts.Add(("Database", Uri.UnescapeDataString(database)));
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length == 2 && KeywordMap.TryGetValue(Uri.UnescapeDataString(kv[0]), out var key))
            {
                parts.Add((key, Uri.UnescapeDataString(kv[1])));
            }
        }

        return Join(parts);
    }

    private static string FromKeywordValue(string s)
    {
        var parts = new List<(string, string)>();
        var i = 0;
        while (i < s.Length)
        {
            while (i < s.Length && char.IsWhiteSpace(s[i]))
            {
                i++;
            }

            var keyStart = i;
            while (i < s.Length && s[i] != '=' && !char.IsWhiteSpace(s[i]))
            {
                i++;
            }

            var keyword = s[keyStart..i];
            while (i < s.Length && char.IsWhiteSpace(s[i]))
            {
                i++;
            }

            if (i >= s.Length || s[i] != '=')
            {
                if (keyword.Length == 0)
                {
                    break;
                }

                throw new FormatException($"Postgres connection string: keyword '{keyword}' has no value");
            }

            i++;
            while (i < s.Length && char.IsWhiteSpace(s[i]))
            {
                i++;
            }

            var value = new StringBuilder();
            if (i < s.Length && s[i] == '\'')
            {
                i++;
                while (i < s.Length && s[i] != '\'')
                {
                    if (s[i] == '\\' && i + 1 < s.Length)
                    {
                        i++;
                    }

                    value.Append(s[i++]);
                }

                if (i >= s.Length)
                {
                    throw new FormatException("Postgres connection string: unterminated quoted value");
                }

                i++;
            }
            else
            {
                while (i < s.Length && !char.IsWhiteSpace(s[i]))
                {
                    if (s[i] == '\\' && i + 1 < s.Length)
                    {
                        i++;
                    }

                    value.Append(s[i++]);
                }
            }

            if (KeywordMap.TryGetValue(keyword, out var key))
            {
                parts.Add((key, value.ToString()));
            }
        }

        return Join(parts);
    }

    private static string Join(List<(string Key, string Value)> parts)
        => string.Join(';', parts.Select(p => $"{p.Key}={Quote(NpgsqlValue(p.Key, p.Value))}"));

    // libpq spells two SSL modes with dashes; Npgsql's enum names have none.
    private static string NpgsqlValue(string key, string value) => key == "SSL Mode"
        ? value.ToLowerInvariant() switch { "verify-ca" => "VerifyCA", "verify-full" => "VerifyFull", _ => value }
        : value;

    private static string Quote(string value)
        => value.IndexOfAny([';', '=', '"', '\'']) >= 0 || value != value.Trim()
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;

    /// <summary>The libpq keyword/value form of a local connection, which both pgx and <see cref="ToNpgsql"/> read.</summary>
    public static string Libpq(string host, int port, string user, string database)
        => $"host={host} port={port.ToString(System.Globalization.CultureInfo.InvariantCulture)} user={user} dbname={database} sslmode=disable";
}
