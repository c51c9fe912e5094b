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
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> outages = new(StringComparer.Ordinal);

    public StateStoreRegistry(IEnumerable<ResolvedComponent> components, Func<DateTimeOffset>? clock = null)
    {
        foreach (var component in components)
        {
            stores[component.Name] = new Registered(component.Resource, Create(component, clock), StateKeys.FromMetadata(component.Name, component.Metadata),
                ConnectionRefused(component));
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

    /// <summary>
    /// The development switch for drills: the component's backend (Redis, Postgres) is unreachable, so every operation
    /// fails as the component fails it when it cannot connect; or reachable again, with its data. False for an unknown store.
    /// </summary>
    public bool SetOutage(string name, bool unreachable)
    {
        if (!stores.TryGetValue(name, out var registered))
        {
            return false;
        }

        if (unreachable)
        {
            outages[name] = registered.Unreachable;
        }
        else
        {
            outages.TryRemove(name, out _);
        }

        return true;
    }

    /// <summary>The error every operation of the store fails with while it is unreachable; null when it answers.</summary>
    public StateStoreException? Outage(string name) => outages.TryGetValue(name, out var error) ? StateStoreException.Other(error) : null;

    // What the component's client reports when nothing listens: go-redis and pgx both end in the dial error.
    private static string ConnectionRefused(ResolvedComponent component)
    {
        if (component.Type == "state.postgresql")
        {
            return "failed to connect to `host=localhost:5432`: dial error (dial tcp localhost:5432: connect: connection refused)";
        }

        return $"dial tcp {component.Metadata.GetValueOrDefault("redisHost") ?? "localhost:6379"}: connect: connection refused";
    }

    private static IStateStore Create(ResolvedComponent component, Func<DateTimeOffset>? clock) => component.Type switch
    {
        "state.redis" => new RedisStateStore(component.Name, component.Metadata, clock),
        "state.postgresql" when component.Resource.Version == "v2" => new PostgresStateStore(component.Name, 2, clock),
        "state.postgresql" => new PostgresStateStore(component.Name, 1, clock),
        _ => new InMemoryStateStore(component.Name, clock),
    };

    private sealed record Registered(ComponentResource Component, IStateStore Store, StateKeys Keys, string Unreachable);
}
