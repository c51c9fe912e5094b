namespace LogDapr.DevSidecar.Components;

/// <summary>A metadata entry of a Dapr Component: either a literal value or a reference into a secret store.</summary>
public sealed record MetadataItem(string Name, string? Value, string? SecretName, string? SecretKey);

/// <summary>A Dapr <c>Component</c> resource as written in YAML (secrets not yet resolved).</summary>
public sealed record ComponentResource(
    string Name,
    string Type,
    string Version,
    IReadOnlyList<MetadataItem> Metadata,
    string? SecretStore,
    IReadOnlyList<string> Scopes,
    string SourceFile)
{
    /// <summary>"pubsub", "state", "bindings", "secretstores", ... — the part of the type before the first dot.</summary>
    public string Category => Type.Split('.', 2)[0];
}
