using LogDapr.DevSidecar.Errors;

namespace LogDapr.DevSidecar.State;

/// <summary>
/// daprd's state API logic shared by the gRPC and HTTP front ends (v1.16.0 pkg/api/grpc/grpc.go SaveState,
/// DeleteState, DeleteBulkState, ExecuteStateTransaction; pkg/api/http/http.go): the calling app's view of the
/// stores, key prefixing, and the component's errors wrapped as daprd wraps them. A save of several items is not
/// atomic: every item is attempted (daprd runs them in parallel) and the failures are joined.
/// </summary>
public sealed class StateService(StateStoreRegistry registry)
{
    public StateItem? Get(string appId, string storeName, string key)
    {
        var (store, keys) = registry.Resolve(appId, storeName);
        var modified = keys.Modify(key, appId);
        if (registry.Outage(storeName) is { } outage)
        {
            throw StateApiErrors.Get(key, storeName, outage);
        }

        return store.Get(modified);
    }

    /// <summary>
    /// Each key with its item, or with the component's error for that key: the call itself succeeds when the store
    /// fails (contrib's DefaultBulkStore, which state.redis and state.postgresql use, gets each key on its own and
    /// puts the failure in the item's <c>error</c>).
    /// </summary>
    public IReadOnlyList<(string Key, StateItem? Item, string? Error)> BulkGet(string appId, string storeName, IReadOnlyList<string> keys)
    {
        var (store, prefixer) = registry.Resolve(appId, storeName);
        var modified = keys.Select(k => prefixer.Modify(k, appId)).ToList();
        if (registry.Outage(storeName) is { } outage)
        {
            return keys.Select(k => (k, (StateItem?)null, (string?)outage.Message)).ToList();
        }

        return keys.Select((k, i) => (k, store.Get(modified[i]), (string?)null)).ToList();
    }

    public void Save(string appId, string storeName, IReadOnlyList<StateWrite> writes)
    {
        var (store, keys) = registry.Resolve(appId, storeName);
        if (writes.Count == 0)
        {
            return;
        }

        var prefixed = writes.Select(w => w with { Key = keys.Modify(w.Key, appId) }).ToList();
        var errors = new List<StateStoreException>();
        var outage = registry.Outage(storeName);
        foreach (var write in prefixed)
        {
            try
            {
                if (outage is not null)
                {
                    throw outage;
                }

                store.Set(write);
            }
            catch (StateStoreException ex)
            {
                errors.Add(ex);
            }
        }

        if (errors.Count > 0)
        {
            throw StateApiErrors.Save(storeName, StateStoreException.Join(errors));
        }
    }

    public void Delete(string appId, string storeName, StateDelete delete)
    {
        var (store, keys) = registry.Resolve(appId, storeName);
        try
        {
            var modified = delete with { Key = keys.Modify(delete.Key, appId) };
            if (registry.Outage(storeName) is { } outage)
            {
                throw outage;
            }

            store.Delete(modified);
        }
        catch (StateStoreException ex)
        {
            throw StateApiErrors.Delete(delete.Key, ex);
        }
    }

    public void BulkDelete(string appId, string storeName, IReadOnlyList<StateDelete> deletes)
    {
        var (store, keys) = registry.Resolve(appId, storeName);
        var prefixed = deletes.Select(d => d with { Key = keys.Modify(d.Key, appId) }).ToList();
        var errors = new List<StateStoreException>();
        var outage = registry.Outage(storeName);
        foreach (var delete in prefixed)
        {
            try
            {
                if (outage is not null)
                {
                    throw outage;
                }

                store.Delete(delete);
            }
            catch (StateStoreException ex)
            {
                errors.Add(ex);
            }
        }

        if (errors.Count > 0)
        {
            throw StateApiErrors.BulkDelete(storeName, StateStoreException.Join(errors));
        }
    }

    /// <summary>Operations are <see cref="StateWrite"/> or <see cref="StateDelete"/> with the caller's keys.</summary>
    public void Transact(string appId, string storeName, IReadOnlyList<object> operations)
    {
        var (store, keys) = registry.Resolve(appId, storeName);
        if (operations.Count == 0)
        {
            return;
        }

        var prefixed = operations.Select(op => op switch
        {
            StateWrite w => (object)(w with { Key = keys.Modify(w.Key, appId) }),
            StateDelete d => d with { Key = keys.Modify(d.Key, appId) },
            _ => op,
        }).ToList();
        try
        {
            if (registry.Outage(storeName) is { } outage)
            {
                throw outage;
            }

            store.Multi(prefixed);
        }
        catch (StateStoreException ex)
        {
            throw DaprApiException.StateTransaction(ex.Message);
        }
    }
}
