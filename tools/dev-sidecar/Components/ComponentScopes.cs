namespace LogDapr.DevSidecar.Components;

/// <summary>
/// daprd loads a component only when its <c>scopes</c> list is empty or names the sidecar's app id
/// (v1.16.0 pkg/runtime/processor: components outside the scope are never initialised). A call for such a component
/// therefore gets the building block's ordinary "not found" error.
/// </summary>
public static class ComponentScopes
{
    public static bool IsLoadedFor(this ComponentResource component, string appId) =>
        component.Scopes.Count == 0 || component.Scopes.Contains(appId, StringComparer.Ordinal);

    public static bool IsLoadedFor(this ResolvedComponent component, string appId) => component.Resource.IsLoadedFor(appId);
}
