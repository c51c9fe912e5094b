namespace LogDapr.Operator.Kubernetes;

/// <summary>An API resource: what the REST path and the RBAC rules are made of.</summary>
public sealed record ResourceType(string Group, string Version, string Kind, string Plural, bool Namespaced = true, bool HasStatusSubresource = false)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Path prefix of the resource's group and version, e.g. /api/v1 or /apis/apps/v1.</summary>
    public string GroupVersionPath => Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";

    /// <summary>The REST path of a collection (<paramref name="name"/> null) or of one object.</summary>
    public string Path(string? @namespace, string? name = null, string? subresource = null)
    {
        var path = Namespaced && !string.IsNullOrEmpty(@namespace)
            ? $"{GroupVersionPath}/namespaces/{Uri.EscapeDataString(@namespace)}/{Plural}"
            : $"{GroupVersionPath}/{Plural}";
        if (name is not null)
        {
            path += "/" + Uri.EscapeDataString(name);
        }
        if (subresource is not null)
        {
            path += "/" + subresource;
        }
        return path;
    }

    public override string ToString() => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}
