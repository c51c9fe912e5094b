namespace LogDapr.DevSidecar.Components;

/// <summary>
/// <c>secretstores.local.env</c>: the secret named X is the environment variable X, returned as { X: value },
/// as Dapr's component does. Reads the environment on every lookup so a runner may set variables late.
/// </summary>
public sealed class LocalEnvSecretStore(string name, Func<string, string?>? environment = null) : ISecretStore
{
    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;

    public string Name { get; } = name;

    public IReadOnlyDictionary<string, string>? GetSecret(string secretName)
    {
        var value = _environment(secretName);
        return value is null ? null : new Dictionary<string, string> { [secretName] = value };
    }
}
