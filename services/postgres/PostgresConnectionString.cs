namespace LogDapr.Postgres;

/// <summary>
/// One Postgres connection string serves both sides of the sink: Dapr's PostgreSQL components (pgx) take a URL
/// (<c>postgres://u:p@h:5432/d?sslmode=require</c>) or libpq keyword/value pairs (<c>host=h port=5432 user=u dbname=d</c>),
/// while Npgsql takes <c>Host=h;Port=5432;...</c>. This reads the first two exactly as pgx does (<see cref="PgxSettings"/>)
/// and writes the third, so a single Secret works for both. The Npgsql form is passed through for local use only:
/// daprd cannot read it (<see cref="DaprConnectionStringCheck"/>). Pure.
/// </summary>
public static class PostgresConnectionString
{
    private static readonly Dictionary<string, string> KeywordMap = new(StringComparer.Ordinal)
    {
        [PgxSettings.User] = "Username",
        [PgxSettings.Password] = "Password",
        [PgxSettings.Database] = "Database",
        ["sslmode"] = "SSL Mode",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["sslpassword"] = "SSL Password",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
        ["search_path"] = "Search Path",
        ["target_session_attrs"] = "Target Session Attributes",
        ["pool_max_conns"] = "Maximum Pool Size",
        ["pool_min_conns"] = "Minimum Pool Size",
    };

    /// <summary>Returns an Npgsql connection string; Npgsql-format input is returned unchanged.</summary>
    /// <exception cref="FormatException">pgx could not read it either; the message does not quote the string.</exception>
    public static string ToNpgsql(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var trimmed = connectionString.Trim();
        if (!PgxSettings.IsUrl(trimmed) && IsNpgsqlForm(trimmed))
        {
            return trimmed;
        }
        try
        {
            return FromSettings(PgxSettings.Parse(trimmed));
        }
        catch (FormatException e)
        {
            throw new FormatException($"Postgres connection string: {e.Message}", e);
        }
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

    /// <summary>
    /// pgx's settings as Npgsql's: several hosts become Npgsql's "h1:p1,h2:p2" (a host beyond the port list takes the
    /// first port, as in pgx), an IPv6 address is bracketed there; keywords Npgsql has no equivalent for (server
    /// parameters, pgx's own pool settings) are left out.
    /// </summary>
    private static string FromSettings(IReadOnlyDictionary<string, string> settings)
    {
        var parts = new List<(string, string)>();
        if (settings.TryGetValue(PgxSettings.Host, out var hostList))
        {
            var hosts = hostList.Split(',');
            var ports = settings.TryGetValue(PgxSettings.Port, out var portList) ? portList.Split(',') : [];
            if (hosts.Length == 1)
            {
                parts.Add(("Host", hosts[0]));
                if (ports.Length > 0)
                {
                    parts.Add(("Port", ports[0]));
                }
            }
            else
            {
                var entries = hosts.Select((h, i) =>
                {
                    var host = h.Contains(':', StringComparison.Ordinal) ? $"[{h}]" : h;
                    return ports.Length == 0 ? host : $"{host}:{(i < ports.Length ? ports[i] : ports[0])}";
                });
                parts.Add(("Host", string.Join(',', entries)));
            }
        }
        else if (settings.TryGetValue(PgxSettings.Port, out var port))
        {
            parts.Add(("Port", port.Split(',')[0]));
        }
        foreach (var (key, value) in settings)
        {
            if (KeywordMap.TryGetValue(key, out var npgsql) && !(key == "sslrootcert" && value == "system"))
            {
                parts.Add((npgsql, value));
            }
        }
        // pgx: sslrootcert=system means the system CAs and verify-full (configTLS); Npgsql checks against the system
        // store by default, so only the mode is carried over.
        if (settings.TryGetValue("sslrootcert", out var root) && root == "system")
        {
            parts.RemoveAll(p => p.Item1 == "SSL Mode");
            parts.Add(("SSL Mode", "verify-full"));
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
