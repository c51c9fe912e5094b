namespace LogDapr.DevSidecar.Components;

/// <summary>A Dapr secret store: a secret is a name mapping to one or more key/value pairs.</summary>
public interface ISecretStore
{
    string Name { get; }

    /// <summary>Returns null when the secret does not exist (or may not be read).</summary>
    IReadOnlyDictionary<string, string>? GetSecret(string secretName);

    /// <summary>Every secret the store lets a caller list, as daprd's BulkGetSecret.</summary>
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> BulkGetSecret();
}
