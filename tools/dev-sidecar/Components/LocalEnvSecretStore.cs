using System.Collections;

namespace LogDapr.DevSidecar.Components;

/// <summary>
/// <c>secretstores.local.env</c> as components-contrib v1.16.0 (secretstores/local/env/envstore.go): the secret named
/// X is the environment variable <c>prefix</c>+X of the sidecar process, returned as { X: value }. APP_API_TOKEN and
/// DAPR_* are never readable. Reads the environment on every lookup so a runner may set variables late.
/// </summary>
public sealed class LocalEnvSecretStore(string name, string prefix = "", Func<string, string?>? environment = null, Func<IDictionary>? all = null) : ISecretStore
{
    private readonly Func<string, string?> environment = environment ?? Environment.GetEnvironmentVariable;
    private readonly Func<IDictionary> all = all ?? Environment.GetEnvironmentVariables;

    public string Name { get; } = name;

    public IReadOnlyDictionary<string, string>? GetSecret(string secretName)
    {
        var variable = prefix + secretName;
        var value = IsAllowed(variable) ? this.environment(variable) : null;
        return value is null ? null : new Dictionary<string, string> { [secretName] = value };
    }

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> BulkGetSecret()
    {
        var secrets = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in this.all())
        {
            var key = (string)entry.Key;
            if (key.Length <= prefix.Length && prefix.Length > 0 || !key.StartsWith(prefix, StringComparison.Ordinal) || !IsAllowed(key))
            {
                continue;
            }

            var name = key[prefix.Length..];
            secrets[name] = new Dictionary<string, string> { [name] = entry.Value as string ?? "" };
        }

        return secrets;
    }

    private static bool IsAllowed(string variable)
    {
        var upper = variable.ToUpperInvariant();
        return upper != "APP_API_TOKEN" && !upper.StartsWith("DAPR_", StringComparison.Ordinal);
    }
}
