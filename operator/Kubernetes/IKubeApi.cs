using System.Text.Json.Nodes;

namespace LogDapr.Operator.Kubernetes;

/// <summary>
/// The Kubernetes API as the controller uses it: untyped objects (JSON), one call per REST verb. Two
/// implementations: <see cref="KubernetesApiClient"/> over KubernetesClient for clusters, and an in-memory API
/// server in the tests. Errors are <see cref="KubeApiException"/> carrying the HTTP status (404, 409, 410...).
/// </summary>
public interface IKubeApi
{
    /// <exception cref="KubeApiException">404 when the object does not exist.</exception>
    Task<JsonObject> GetAsync(ResourceType type, string? @namespace, string name, CancellationToken cancellationToken);

    /// <summary>Lists objects; <paramref name="namespace"/> null lists across all namespaces.</summary>
    Task<ObjectList> ListAsync(ResourceType type, string? @namespace, string? labelSelector, CancellationToken cancellationToken);

    /// <summary>
    /// Streams changes after <paramref name="resourceVersion"/> until the server ends the watch or the token is
    /// cancelled. Throws a 410 <see cref="KubeApiException"/> when that version is too old (relist, then watch again).
    /// </summary>
    IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? @namespace, string? labelSelector, string resourceVersion, CancellationToken cancellationToken);

    /// <exception cref="KubeApiException">409 AlreadyExists.</exception>
    Task<JsonObject> CreateAsync(ResourceType type, JsonObject obj, CancellationToken cancellationToken);

    /// <summary>Replaces the status subresource; metadata.resourceVersion is a precondition (409 when stale).</summary>
    Task<JsonObject> ReplaceStatusAsync(ResourceType type, JsonObject obj, CancellationToken cancellationToken);

    /// <summary>Server-side apply: creates or updates the fields <paramref name="fieldManager"/> owns.</summary>
    Task<JsonObject> ApplyAsync(ResourceType type, JsonObject obj, string fieldManager, bool force, CancellationToken cancellationToken);

    /// <summary>Deletes with background propagation (dependents are garbage-collected afterwards).</summary>
    /// <exception cref="KubeApiException">404 when the object does not exist.</exception>
    Task DeleteAsync(ResourceType type, string? @namespace, string name, CancellationToken cancellationToken);
}

public sealed record ObjectList(IReadOnlyList<JsonObject> Items, string ResourceVersion);

public enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    Bookmark,
}

public sealed record WatchEvent(WatchEventType Type, JsonObject Object);
