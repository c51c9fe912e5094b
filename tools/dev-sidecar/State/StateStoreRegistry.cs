using LogDapr.DevSidecar.Errors;

namespace LogDapr.DevSidecar.State;

/// <summary>The embedded stores, one per <c>state.*</c> component name.</summary>
public sealed class StateStoreRegistry(IEnumerable<string> names)
{
    private readonly Dictionary<string, InMemoryStateStore> _stores =
        names.ToDictionary(n => n, n => new InMemoryStateStore(n), StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => _stores.Keys;

    public InMemoryStateStore Get(string name)
    {
        if (_stores.Count == 0)
        {
            throw DaprApiException.StateStoresNotConfigured();
        }

        return _stores.TryGetValue(name ?? "", out var store) ? store : throw DaprApiException.StateStoreNotFound(name ?? "");
    }
}
