using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

using LogDapr.Operator.Kubernetes;

namespace LogDapr.Operator.Permissions;

/// <summary>
/// Refuses any call that <see cref="OperatorPermissions"/> does not list, before it reaches the API server. The
/// controller is only ever given this wrapper, so the permission table is provably complete: a new call shows up
/// as a test failure naming the missing rule rather than as a 403 in someone's cluster.
/// </summary>
public sealed class PermissionGuardedKubeApi(IKubeApi inner, IReadOnlyList<PermissionRule>? rules = null) : IKubeApi
{
    private readonly IReadOnlyList<PermissionRule> rules = rules ?? OperatorPermissions.All;

    public Task<JsonObject> GetAsync(ResourceType type, string? @namespace, string name, CancellationToken cancellationToken)
    {
        Demand(type, OperatorPermissions.Get, name: name);
        return inner.GetAsync(type, @namespace, name, cancellationToken);
    }

    public Task<ObjectList> ListAsync(ResourceType type, string? @namespace, string? labelSelector, CancellationToken cancellationToken)
    {
        Demand(type, OperatorPermissions.List);
        return inner.ListAsync(type, @namespace, labelSelector, cancellationToken);
    }

    public async IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? @namespace, string? labelSelector, string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Demand(type, OperatorPermissions.Watch);
        await foreach (var item in inner.WatchAsync(type, @namespace, labelSelector, resourceVersion, cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    public Task<JsonObject> CreateAsync(ResourceType type, JsonObject obj, CancellationToken cancellationToken)
    {
        Demand(type, OperatorPermissions.Create);
        return inner.CreateAsync(type, obj, cancellationToken);
    }

    public Task<JsonObject> ReplaceStatusAsync(ResourceType type, JsonObject obj, CancellationToken cancellationToken)
    {
        Demand(type, OperatorPermissions.Update, "status", obj.Name());
        return inner.ReplaceStatusAsync(type, obj, cancellationToken);
    }

    public Task<JsonObject> ApplyAsync(ResourceType type, JsonObject obj, string fieldManager, bool force, CancellationToken cancellationToken)
    {
        // An apply that creates the object is authorized as create by the API server.
        Demand(type, OperatorPermissions.Patch, name: obj.Name());
        Demand(type, OperatorPermissions.Create);
        return inner.ApplyAsync(type, obj, fieldManager, force, cancellationToken);
    }

    public Task DeleteAsync(ResourceType type, string? @namespace, string name, CancellationToken cancellationToken)
    {
        Demand(type, OperatorPermissions.Delete, name: name);
        return inner.DeleteAsync(type, @namespace, name, cancellationToken);
    }

    /// <summary>As RBAC: a name-restricted rule only matches calls on a named object (get, update, patch, delete).</summary>
    private void Demand(ResourceType type, string verb, string? subresource = null, string? name = null)
    {
        var resource = subresource is null ? type.Plural : $"{type.Plural}/{subresource}";
        if (!OperatorPermissions.Allows(rules, type.Group, resource, verb, name))
        {
            throw new InvalidOperationException(
                $"The operator called '{verb}' on {resource} ({(type.Group.Length == 0 ? "core" : type.Group)} group), which OperatorPermissions does not list. Add the rule there and to the chart's RBAC.");
        }
    }
}
