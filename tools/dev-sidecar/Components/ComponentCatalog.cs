using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.Components;

/// <summary>A component with its metadata resolved (secrets substituted); keys are case-insensitive as in Dapr.</summary>
public sealed record ResolvedComponent(ComponentResource Resource, IReadOnlyDictionary<string, string> Metadata, string? ResolutionError)
{
    public string Name => Resource.Name;
    public string Type => Resource.Type;
}

/// <summary>
/// The components of the resource set, grouped by building block, with secretKeyRef values resolved through the
/// component's <c>auth.secretStore</c>. A component whose secrets cannot be resolved stays registered with its
/// error, so calls to it fail with that message instead of the sidecar refusing to start (daprd would exit;
/// a dev tool that outlives a missing variable is friendlier, and the error is still loud).
/// </summary>
public sealed class ComponentCatalog
{
    private readonly Dictionary<string, ResolvedComponent> byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ISecretStore> secretStores = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Component, string AppId), Lazy<(IReadOnlyDictionary<string, string>? Metadata, string? Error)>> perApp = new();
    private readonly Func<string, string?> environment;

    public ComponentCatalog(IEnumerable<ComponentResource> components, ILogger logger, Func<string, string?>? environment = null)
    {
        this.environment = environment ?? Environment.GetEnvironmentVariable;
        var list = components.ToList();
        foreach (var c in list.Where(c => c.Category == "secretstores"))
        {
            if (c.Type == "secretstores.local.env")
            {
                var prefix = c.Metadata.FirstOrDefault(m => string.Equals(m.Name, "prefix", StringComparison.OrdinalIgnoreCase))?.Value ?? "";
                secretStores[c.Name] = new LocalEnvSecretStore(c.Name, prefix, environment);
            }
        }

        foreach (var c in list)
        {
            byName[c.Name] = Resolve(c, logger);
        }
    }

    public IEnumerable<ResolvedComponent> All => byName.Values;

    public IEnumerable<ResolvedComponent> OfCategory(string category) => byName.Values.Where(c => c.Resource.Category == category);

    public ResolvedComponent? Find(string name) => byName.GetValueOrDefault(name);

    public ISecretStore? SecretStore(string name) => secretStores.GetValueOrDefault(name);

    /// <summary>
    /// The component's metadata as the sidecar of <paramref name="appId"/> loads it: templates resolved for that
    /// app (<see cref="MetadataTemplates"/>), once per app and component, so a <c>{uuid}</c> stays the same for
    /// the app's lifetime as it does for one daprd process. Throws <see cref="ResourceTemplateException"/> when a
    /// template cannot be resolved (daprd's Init of the component fails for that app).
    /// </summary>
    public IReadOnlyDictionary<string, string> MetadataFor(ResolvedComponent component, string appId)
    {
        var entry = perApp.GetOrAdd((component.Name, appId), _ => new Lazy<(IReadOnlyDictionary<string, string>?, string?)>(() =>
        {
            try
            {
                return (MetadataTemplates.Resolve(component.Metadata, TemplateIdentity.For(appId, environment)), null);
            }
            catch (ResourceTemplateException ex)
            {
                return (null, ex.Message);
            }
        })).Value;
        return entry.Metadata ?? throw new ResourceTemplateException(entry.Error!);
    }

    /// <summary>
    /// daprd's secretsValidateRequest for the calling app (v1.16.0 pkg/api/universal/secrets.go): "secret store is not
    /// configured" when it has none loaded, "failed finding secret store with key" for one it does not have.
    /// </summary>
    public ISecretStore SecretStoreFor(string appId, string name)
    {
        var loaded = OfCategory("secretstores").Where(c => c.IsLoadedFor(appId)).ToList();
        if (loaded.Count == 0)
        {
            throw Errors.DaprApiException.SecretStoresNotConfigured();
        }

        return loaded.Any(c => c.Name == name) && secretStores.TryGetValue(name, out var store)
            ? store
            : throw Errors.DaprApiException.SecretStoreNotFound(name);
    }

    private ResolvedComponent Resolve(ComponentResource component, ILogger logger)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? error = null;
        foreach (var item in component.Metadata)
        {
            if (item.SecretName is null)
            {
                metadata[item.Name] = item.Value ?? "";
                continue;
            }

            if (component.SecretStore is null)
            {
                error ??= $"metadata '{item.Name}' uses secretKeyRef but the component has no auth.secretStore";
                continue;
            }

            if (!secretStores.TryGetValue(component.SecretStore, out var store))
            {
                error ??= $"metadata '{item.Name}' references secret store '{component.SecretStore}', which is not a served secretstores.local.env component";
                continue;
            }

            var secret = store.GetSecret(item.SecretName);
            var key = string.IsNullOrEmpty(item.SecretKey) ? item.SecretName : item.SecretKey;
            if (secret is null || !secret.TryGetValue(key, out var value))
            {
                error ??= $"metadata '{item.Name}': secret '{item.SecretName}' (key '{key}') not found in secret store '{component.SecretStore}' (for secretstores.local.env: set the environment variable {item.SecretName})";
                continue;
            }

            metadata[item.Name] = value;
        }

        if (error is not null)
        {
            logger.LogError("component {Component} type {Type}: {Error}", component.Name, component.Type, error);
        }

        return new ResolvedComponent(component, metadata, error);
    }
}
