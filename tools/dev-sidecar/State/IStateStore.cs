namespace LogDapr.DevSidecar.State;

/// <summary>
/// One <c>state.*</c> component as daprd sees it (components-contrib's state.Store + TransactionalStore): the
/// concurrency, TTL and transaction rules of the component type it emulates. Keys arrive already prefixed.
/// </summary>
public interface IStateStore
{
    string Name { get; }

    /// <summary>The component type and version whose rules apply, e.g. "state.redis/v1".</summary>
    string Model { get; }

    /// <summary>Feature names daprd's metadata API reports for this component (only those the sidecar serves).</summary>
    IReadOnlyList<string> Capabilities { get; }

    StateItem? Get(string key);

    /// <summary>One write; throws <see cref="StateStoreException"/> as the component would fail it.</summary>
    void Set(StateWrite write);

    void Delete(StateDelete delete);

    /// <summary>The component's Multi: operations are <see cref="StateWrite"/> or <see cref="StateDelete"/>.</summary>
    void Multi(IReadOnlyList<object> operations);
}
