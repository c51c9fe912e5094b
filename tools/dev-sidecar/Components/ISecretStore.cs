namespace LogDapr.DevSidecar.Components;

/// <summary>A Dapr secret store: a secret is a name mapping to one or more key/value pairs.</summary>
public interface ISecretStore
{
    string Name { get; }

    /// <summary>Returns null when the secret does not exist.</summary>
    IReadOnlyDictionary<string, string>? GetSecret(string secretName);
}
