using LogDapr.DevSidecar.Components;
using LogDapr.DevSidecar.Errors;

namespace LogDapr.DevSidecar.State;

/// <summary>
/// The state components of the resource set, each emulating its own type's rules (chosen by <c>spec.type</c> and
/// <c>spec.version</c>), and the per-app view daprd would have: only components scoped to the calling app exist.
/// </summary>
public sealed class StateStoreRegistry
{
    private readonly Dictionary<string, Registered> stores = new(StringComparer.Ordinal);

    public StateStoreRegistry(IEnumerable<ResolvedComponent> components, Func<DateTimeOffset>? clock = null)
    {
        foreach (var component in components)
        {
            stores[component.Name] = new Registered(component.Resource, Create(component, clock), StateKeys.FromMetadata(component.Name, component.Metadata));
        }
    }

    public IEnumerable<IStateStore> All => stores.Values.Select(s => s.Store);

    /// <summary>True when the type's own rules are emulated; false when a type is served with state.in-memory rules.</summary>
    public static bool IsEmulated(string type) => type is "state.redis" or "state.postgresql" or "state.in-memory";

    /// <summary>daprd's GetStateStore for the calling app: "not configured" when it has no state store at all, else "not found".</summary>
    public (IStateStore Store, StateKeys Keys) Resolve(string appId, string name)
    {
        var visible = stores.Values.Where(s => s.Component.IsLoadedFor(appId)).ToList();
        if (visible.Count == 0)
        {
            throw DaprApiException.StateStoresNotConfigured(name);
        }

        var found = visible.FirstOrDefault(s => s.Component.Name == name) ?? throw DaprApiException.StateStoreNotFound(name);
        return (found.Store, found.Keys);
    }

    public IStateStore? Find(string name) => stores.GetValueOrDefault(name)?.Store;

    private static IStateStore Create(ResolvedComponent component, Func<DateTimeOffset>? clock) => component.Type switch
    {
        "state.redis" => new RedisStateStore(component.Name, component.Metadata, clock),
        "state.postgresql" when component.Resource.Version == "v2" => new PostgresStateStore(component.Name, 2, clock),
        "state.postgresql" => new PostgresStateStore(component.Name, 1, clock),
        _ => new InMemoryStateStore(component.Name, clock),
    };

    private sealed record Registered(ComponentResource Component, IStateStore Store, StateKeys Keys);
}
