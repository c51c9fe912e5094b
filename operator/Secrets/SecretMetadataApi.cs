using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using LogDapr.Operator.Kubernetes;

namespace LogDapr.Operator.Secrets;

/// <summary>
/// The API as the Secret informer sees it: lists and watches of Secrets keep only apiVersion, kind and metadata
/// (without managedFields). The informer only needs to know that a Secret changed (its resourceVersion moves with
/// every data change); the reconciler reads the few referenced Secrets fresh. So the operator never holds the values
/// of every Secret it can see, only their metadata. (A PartialObjectMetadata watch would also keep the values off the
/// wire; KubernetesClient has no typed support for it, and RBAC needs the same list and watch either way.)
/// </summary>
public sealed class SecretMetadataApi(IKubeApi inner) : IKubeApi
{
    public Task<JsonObject> GetAsync(ResourceType type, string? @namespace, string name, CancellationToken cancellationToken) =>
        inner.GetAsync(type, @namespace, name, cancellationToken);

    public async Task<ObjectList> ListAsync(ResourceType type, string? @namespace, string? labelSelector, CancellationToken cancellationToken)
    {
        var list = await inner.ListAsync(type, @namespace, labelSelector, cancellationToken).ConfigureAwait(false);
        return type == KnownResources.Secrets ? list with { Items = [.. list.Items.Select(MetadataOnly)] } : list;
    }

    public async IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? @namespace, string? labelSelector, string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var change in inner.WatchAsync(type, @namespace, labelSelector, resourceVersion, cancellationToken).ConfigureAwait(false))
        {
            yield return type == KnownResources.Secrets ? change with { Object = MetadataOnly(change.Object) } : change;
        }
    }

    public Task<JsonObject> CreateAsync(ResourceType type, JsonObject obj, CancellationToken cancellationToken) => inner.CreateAsync(type, obj, cancellationToken);

    public Task<JsonObject> ReplaceStatusAsync(ResourceType type, JsonObject obj, CancellationToken cancellationToken) => inner.ReplaceStatusAsync(type, obj, cancellationToken);

    public Task<JsonObject> ApplyAsync(ResourceType type, JsonObject obj, string fieldManager, bool force, CancellationToken cancellationToken) =>
        inner.ApplyAsync(type, obj, fieldManager, force, cancellationToken);

    public Task DeleteAsync(ResourceType type, string? @namespace, string name, CancellationToken cancellationToken) => inner.DeleteAsync(type, @namespace, name, cancellationToken);

    /// <summary>A Secret without data, stringData, type or managedFields.</summary>
    public static JsonObject MetadataOnly(JsonObject secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var metadata = secret["metadata"]?.DeepClone() as JsonObject ?? [];
        metadata.Remove("managedFields");
        return new JsonObject
        {
            ["apiVersion"] = secret["apiVersion"]?.DeepClone(),
            ["kind"] = secret["kind"]?.DeepClone(),
            ["metadata"] = metadata,
        };
    }
}
