using System.Globalization;

namespace LogDapr.ServiceDefaults.Auth;

/// <summary>
/// Parses one key file of the mounted API-key Secret. The file is named by the tenant id (<c>_admin</c> for admin
/// keys); each line is <c>sha256:&lt;64 hex&gt; [roles=write,read,admin] [id=&lt;name&gt;]</c>; blank lines and
/// <c>#</c> comments are ignored. An id names one key of the tenant (the tenant and the id are the caller's identity for
/// idempotency keys and rate limits), so a line reusing an id already taken in the file is ignored and reported. Pure.
/// </summary>
public static class ApiKeyFile
{
    public const string AdminFileName = "_admin";
    private const string HashPrefix = "sha256:";

    public static IReadOnlyList<ApiKeyEntry> Parse(string fileName, string content, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        var entries = new List<ApiKeyEntry>();
        var admin = fileName == AdminFileName;
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var raw in content.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var where = $"{fileName}:{lineNumber.ToString(CultureInfo.InvariantCulture)}";
            if (!TryParseLine(line, admin, out var hash, out var roles, out var id, out var error))
            {
                problems.Add($"{where}: {error}");
                continue;
            }

            id ??= "k:" + Convert.ToHexStringLower(hash)[..12];
            if (ids.TryGetValue(id, out var first))
            {
                // Two keys sharing an id would share one identity: one could replay the other's idempotent answers.
                problems.Add($"{where}: id '{id}' is already used on line {first.ToString(CultureInfo.InvariantCulture)}; this key is ignored (give each key its own id)");
                continue;
            }

            ids[id] = lineNumber;
            entries.Add(new ApiKeyEntry(id, admin ? null : fileName, hash, roles));
        }

        errors = problems;
        return entries;
    }

    private static bool TryParseLine(string line, bool admin, out byte[] hash, out ApiKeyRoles roles, out string? id, out string? error)
    {
        hash = [];
        roles = admin ? ApiKeyRoles.Admin | ApiKeyRoles.Read | ApiKeyRoles.Write : ApiKeyRoles.Write | ApiKeyRoles.Read;
        id = null;
        error = null;
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!parts[0].StartsWith(HashPrefix, StringComparison.Ordinal) || parts[0].Length != HashPrefix.Length + 64)
        {
            error = "expected sha256:<64 hex digits> (the hash of the key, never the key itself)";
            return false;
        }

        try
        {
            hash = Convert.FromHexString(parts[0].AsSpan(HashPrefix.Length));
        }
        catch (FormatException)
        {
            error = "the hash is not hexadecimal";
            return false;
        }

        foreach (var option in parts.Skip(1))
        {
            if (option.StartsWith("roles=", StringComparison.Ordinal))
            {
                roles = ApiKeyRoles.None;
                foreach (var role in option["roles=".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!Enum.TryParse<ApiKeyRoles>(role, ignoreCase: true, out var parsed) || parsed == ApiKeyRoles.None)
                    {
                        error = $"unknown role '{role}' (write, read, admin)";
                        return false;
                    }

                    roles |= parsed;
                }

                if (roles.HasFlag(ApiKeyRoles.Admin) && !admin)
                {
                    error = "the admin role is only valid in the _admin file (admin keys are not bound to a tenant)";
                    return false;
                }
            }
            else if (option.StartsWith("id=", StringComparison.Ordinal) && option.Length > 3)
            {
                id = option[3..];
            }
            else
            {
                error = $"unknown option '{option}' (roles=..., id=...)";
                return false;
            }
        }

        return true;
    }
}
