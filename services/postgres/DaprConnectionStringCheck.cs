using System.Globalization;
using System.Text.RegularExpressions;

namespace LogDapr.Postgres;

/// <summary>
/// Whether daprd's PostgreSQL components (bindings.postgresql, state.postgresql) can use a connection string, checked
/// before anything is deployed, so a bad Secret is a clear message instead of a crash-looping sidecar. It follows
/// what those components do with it in Dapr 1.16 and later: components-contrib
/// common/authentication/postgresql/metadata.go (buildConnectionString, GetPgxPoolConfig) first rebuilds a
/// keyword/value string by splitting it at every single space, then hands the result to pgxpool.ParseConfig
/// (pgx v5: pgconn/config.go, pgxpool/pool.go, conn.go). Pure; messages never quote the value.
/// </summary>
public static partial class DaprConnectionStringCheck
{
    /// <summary>The two forms that work for daprd and for the services (<see cref="PostgresConnectionString.ToNpgsql"/>).</summary>
    public const string Forms =
        "Write it as a URL, postgres://USER:PASSWORD@HOST:5432/DATABASE?sslmode=require (percent-encode reserved characters of the password, e.g. '@' as %40), "
        + "or as libpq keywords separated by spaces: host=HOST port=5432 user=USER password=PASSWORD dbname=DATABASE sslmode=require.";

    // Npgsql's own keywords that libpq does not have: pgx would send them to the server as run-time parameters, which
    // refuses the connection ("unrecognized configuration parameter").
    private static readonly Dictionary<string, string> NpgsqlKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["server"] = "host",
        ["username"] = "user",
        ["user id"] = "user",
        ["userid"] = "user",
        ["uid"] = "user",
        ["pwd"] = "password",
        ["ssl mode"] = "sslmode",
        ["timeout"] = "connect_timeout",
        ["command timeout"] = "options",
        ["pooling"] = "pool_max_conns",
        ["maximum pool size"] = "pool_max_conns",
        ["minimum pool size"] = "pool_min_conns",
        ["search path"] = "search_path",
        ["application name"] = "application_name",
    };

    private static readonly string[] SslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];
    private static readonly string[] TargetSessionAttrs = ["any", "read-write", "read-only", "primary", "standby", "prefer-standby"];
    private static readonly string[] QueryExecModes = ["cache_statement", "cache_describe", "describe_exec", "exec", "simple_protocol"];
    private static readonly string[] PoolDurations = ["pool_max_conn_lifetime", "pool_max_conn_idle_time", "pool_health_check_period", "pool_max_conn_lifetime_jitter"];

    /// <summary>What is wrong with the string for daprd, phrased to follow "the connection string ", with the fix; null when daprd can use it.</summary>
    public static string? Problem(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        if (connectionString.Trim().Length == 0)
        {
            return "is empty. " + Forms;
        }
        var isUrl = PgxSettings.IsUrl(connectionString);
        if (!isUrl && LooksLikeNpgsql(connectionString))
        {
            return "is in Npgsql form (Host=…;Database=…). Dapr's PostgreSQL components read connection strings with pgx, which takes that as one unknown "
                + "parameter and then connects to a local socket instead of your server. " + Forms;
        }
        if (!isUrl && connectionString.TrimStart().StartsWith("postgres", StringComparison.OrdinalIgnoreCase) && connectionString.Contains("://", StringComparison.Ordinal))
        {
            return "looks like a URL but does not start with postgres:// or postgresql:// in lower case, which is how pgx recognises a URL. " + Forms;
        }

        IReadOnlyDictionary<string, string> settings;
        try
        {
            settings = PgxSettings.Parse(connectionString);
        }
        catch (FormatException e)
        {
            return $"cannot be read: {e.Message}. {Forms}";
        }

        if (!isUrl && DaprSplitsDifferently(connectionString, settings))
        {
            return "has a value with a space in it, or spaces around '='. Dapr 1.16 and later split a keyword/value string at every space before reading it, "
                + "so such a value is cut apart. Use the URL form and percent-encode the space as %20: postgres://USER:PASSWORD@HOST:5432/DATABASE?sslmode=require.";
        }

        return CheckSettings(settings);
    }

    private static string? CheckSettings(IReadOnlyDictionary<string, string> settings)
    {
        foreach (var key in settings.Keys)
        {
            if (NpgsqlKeywords.TryGetValue(key, out var libpq))
            {
                return $"uses Npgsql's keyword \"{key.ToLowerInvariant()}\", which pgx does not know (it would send it to the server, which refuses the connection); libpq's is \"{libpq}\". {Forms}";
            }
            if (!ParameterName().IsMatch(key))
            {
                // Not echoed: a malformed string can put part of a password where a keyword is expected.
                return "has a keyword that is not a libpq keyword or server parameter (those are lower case: host, port, user, password, dbname, sslmode, ...). " + Forms;
            }
        }
        if (!settings.TryGetValue(PgxSettings.Host, out var hosts) || hosts.Split(',').All(h => h.Length == 0))
        {
            return "names no host, so daprd would connect to a Unix socket inside its own container. " + Forms;
        }
        if (hosts.Split(',').Any(h => h.StartsWith('/')))
        {
            return "names a Unix socket directory as host, which does not exist in daprd's container; name the Postgres server's DNS name or address. " + Forms;
        }
        if (!settings.TryGetValue(PgxSettings.User, out var user) || user.Length == 0)
        {
            return "names no user, so daprd would log in as its container's operating-system user. " + Forms;
        }
        if (settings.TryGetValue(PgxSettings.Port, out var ports) && ports.Split(',').Any(p => !ushort.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n == 0))
        {
            return "has a port that is not a number from 1 to 65535. " + Forms;
        }
        if (settings.TryGetValue("sslmode", out var sslmode) && !SslModes.Contains(sslmode, StringComparer.Ordinal))
        {
            return $"has an sslmode pgx does not know; use one of {string.Join(", ", SslModes)}.";
        }
        if (settings.TryGetValue("target_session_attrs", out var tsa) && !TargetSessionAttrs.Contains(tsa, StringComparer.Ordinal))
        {
            return $"has a target_session_attrs pgx does not know; use one of {string.Join(", ", TargetSessionAttrs)}.";
        }
        if (settings.TryGetValue("default_query_exec_mode", out var mode) && !QueryExecModes.Contains(mode, StringComparer.Ordinal))
        {
            return $"has a default_query_exec_mode pgx does not know; use one of {string.Join(", ", QueryExecModes)}.";
        }
        if (settings.ContainsKey("sslcert") != settings.ContainsKey("sslkey"))
        {
            return "has sslcert without sslkey or sslkey without sslcert; pgx needs both or neither.";
        }
        foreach (var (key, minimum) in new[] { ("connect_timeout", 0L), ("pool_max_conns", 1L), ("pool_min_conns", 0L), ("pool_min_idle_conns", 0L), ("statement_cache_capacity", 0L), ("description_cache_capacity", 0L) })
        {
            if (settings.TryGetValue(key, out var text) && (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n < minimum))
            {
                return $"has a {key} that is not a whole number of at least {minimum.ToString(CultureInfo.InvariantCulture)}.";
            }
        }
        foreach (var key in PoolDurations)
        {
            if (settings.TryGetValue(key, out var text) && !GoDuration().IsMatch(text))
            {
                return $"has a {key} that is not a Go duration (e.g. 30m, 1h30m).";
            }
        }
        return null;
    }

    /// <summary>
    /// Npgsql's form: "Key=value;Key=value". pgx would read it as keyword/value, so the only tell is a ';' ending a
    /// value that is followed by another "word=", or a keyword written with a capital letter or a space.
    /// </summary>
    private static bool LooksLikeNpgsql(string s)
    {
        var first = s.IndexOf('=', StringComparison.Ordinal);
        if (first < 0)
        {
            return false;
        }
        var key = s[..first].Trim();
        if (NpgsqlSeparated().Match(s) is { Success: true } pair && NpgsqlKeywordOrLibpq(pair.Groups["first"].Value) && NpgsqlKeywordOrLibpq(pair.Groups["second"].Value))
        {
            return true;
        }
        return key.Length > 0 && (key.Any(char.IsUpper) || key.Contains(' ', StringComparison.Ordinal)) && NpgsqlKeywordOrLibpq(key);
    }

    private static bool NpgsqlKeywordOrLibpq(string key) =>
        NpgsqlKeywords.ContainsKey(key) || key.ToLowerInvariant() is "host" or "port" or "database" or "password" or "user" or "sslmode" or "dbname";

    /// <summary>
    /// Dapr (buildDSNConnectionString) keeps only the parts of <c>strings.Split(s, " ")</c> that contain '=', and joins
    /// them with spaces: a quoted value with a space, or "key = value", comes out different from what was written.
    /// </summary>
    private static bool DaprSplitsDifferently(string s, IReadOnlyDictionary<string, string> settings)
    {
        var rebuilt = string.Join(' ', s.Split(' ').Where(part => part.Contains('=', StringComparison.Ordinal)));
        try
        {
            var after = PgxSettings.ParseKeywordValue(rebuilt);
            return after.Count != settings.Count || after.Any(kv => !settings.TryGetValue(kv.Key, out var v) || v != kv.Value);
        }
        catch (FormatException)
        {
            return true;
        }
    }

    // A server run-time parameter (GUC) name, which is what pgx sends any keyword it does not know as.
    [GeneratedRegex(@"^[a-z_][a-z0-9_.]*$")]
    private static partial Regex ParameterName();

    [GeneratedRegex(@"^([0-9]+(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$")]
    private static partial Regex GoDuration();

    [GeneratedRegex(@"^\s*(?<first>[A-Za-z][A-Za-z ]*?)\s*=[^;]*;\s*(?<second>[A-Za-z][A-Za-z ]*?)\s*=")]
    private static partial Regex NpgsqlSeparated();
}
