namespace LogDapr.DevSidecar.Components;

/// <summary>
/// daprd v1.16.0 pkg/runtime/meta/meta.go convertItemsToProps: every metadata value of every component (secrets
/// already substituted) has <c>{uuid}</c> replaced by a new random UUID per occurrence, <c>{podName}</c> by the pod
/// name (an error when it is not set), <c>{namespace}</c> by <c>namespace.appID</c> and <c>{appID}</c> by the app id,
/// in that order, once per app when its sidecar loads the component.
/// </summary>
public static class MetadataTemplates
{
    public static IReadOnlyDictionary<string, string> Resolve(IReadOnlyDictionary<string, string> metadata, TemplateIdentity identity)
    {
        var resolved = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, raw) in metadata)
        {
            resolved[name] = ResolveValue(name, raw, identity);
        }

        return resolved;
    }

    public static string ResolveValue(string name, string value, TemplateIdentity identity)
    {
        for (var at = value.IndexOf("{uuid}", StringComparison.Ordinal); at >= 0; at = value.IndexOf("{uuid}", StringComparison.Ordinal))
        {
            value = string.Concat(value.AsSpan(0, at), Guid.NewGuid().ToString("D"), value.AsSpan(at + "{uuid}".Length));
        }

        if (value.Contains("{podName}", StringComparison.Ordinal))
        {
            if (identity.PodName is null)
            {
                throw new ResourceTemplateException($"failed to parse metadata: property {name} refers to {{podName}} but podName is not set");
            }

            value = value.Replace("{podName}", identity.PodName, StringComparison.Ordinal);
        }

        return value
            .Replace("{namespace}", identity.Namespace + "." + identity.AppId, StringComparison.Ordinal)
            .Replace("{appID}", identity.AppId, StringComparison.Ordinal);
    }
}
