using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using LogDapr.Operator.Kubernetes;

namespace LogDapr.Operator.Tests.Support.Fakes;

/// <summary><see cref="IKubeApi"/> straight onto the <see cref="FakeApiServer"/> (no HTTP), as the controller tests use it.</summary>
public sealed class InMemoryKubeApi(FakeApiServer server, string user = "logdapr-operator") : IKubeApi
{
    /// <summary>Lets a test make calls fail (e.g. a network partition).</summary>
    public Func<Exception?>? Fault { get; set; }

    public Task<JsonObject> GetAsync(ResourceType type, string? @namespace, string name, CancellationToken cancellationToken) =>
        Run(() => server.Get(type, @namespace, name, user), cancellationToken);

    public Task<ObjectList> ListAsync(ResourceType type, string? @namespace, string? labelSelector, CancellationToken cancellationToken) =>
        Run(() => server.List(type, @namespace, labelSelector), cancellationToken);

    public async IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? @namespace, string? labelSelector, string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        ThrowIfFaulted();
        var reader = server.As(user, () => server.Watch(type, @namespace, labelSelector, resourceVersion, cancellationToken));
        while (true)
        {
            WatchEvent? next;
            try
            {
                if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }
                reader.TryRead(out next);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            if (next is not null)
            {
                yield return next;
            }
        }
    }

    public Task<JsonObject> CreateAsync(ResourceType type, JsonObject obj, CancellationToken cancellationToken) =>
        Run(() => server.Create(type, obj, user), cancellationToken);

    public Task<JsonObject> ReplaceStatusAsync(ResourceType type, JsonObject obj, CancellationToken cancellationToken) =>
        Run(() => server.UpdateStatus(type, obj, user), cancellationToken);

    public Task<JsonObject> ApplyAsync(ResourceType type, JsonObject obj, string fieldManager, bool force, CancellationToken cancellationToken) =>
        Run(() => server.Apply(type, obj, fieldManager, force, KubernetesApiClient.ApplyFieldValidation), cancellationToken);

    public Task DeleteAsync(ResourceType type, string? @namespace, string name, CancellationToken cancellationToken) =>
        Run(() =>
        {
            server.Delete(type, @namespace, name);
            return true;
        }, cancellationToken);

    private async Task<T> Run<T>(Func<T> call, CancellationToken cancellationToken)
    {
        // Calls complete asynchronously, as over a network, so tests see the same interleavings.
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfFaulted();
        return server.As(user, call);
    }

    private void ThrowIfFaulted()
    {
        if (Fault?.Invoke() is { } fault)
        {
            throw fault;
        }
    }
}
