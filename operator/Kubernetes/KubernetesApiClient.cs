using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace LogDapr.Operator.Kubernetes;

/// <summary>
/// <see cref="IKubeApi"/> over KubernetesClient: its configuration, authentication and HTTP pipeline, with
/// the raw REST paths of <see cref="ResourceType"/>, so one implementation covers built-in and custom resources
/// alike (KubernetesClient's CustomObjects API cannot address the core group).
/// </summary>
public sealed class KubernetesApiClient : IKubeApi, IDisposable
{
    private readonly RawKubernetes client;

    public KubernetesApiClient(KubernetesClientConfiguration configuration, params DelegatingHandler[] handlers)
    {
        client = new RawKubernetes(configuration, handlers);
    }

    /// <summary>The typed client on the same connection, for k8s.LeaderElection's LeaseLock.</summary>
    public IKubernetes Kubernetes => client;

    /// <summary>Server-side timeout of one watch request; the informer simply watches again afterwards.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Limit for one non-watch request. KubernetesClient applies its HttpClientTimeout only inside its generated
    /// operations (its HttpClient has none), so raw requests need their own, or a hung connection hangs a worker.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// fieldValidation of every apply: a field the server's schema does not know is an error, never a silent drop.
    /// Server-side apply already refuses fields a schema does not declare ("field not declared in schema", today as
    /// HTTP 500, kubernetes/kubernetes#122480); Strict makes that the stated contract and adds the refusal of
    /// duplicate fields (400). The reconciler reports either as a condition naming the field.
    /// </summary>
    public const string ApplyFieldValidation = "Strict";

    public async Task<JsonObject> GetAsync(ResourceType type, string? @namespace, string name, CancellationToken cancellationToken) =>
        await SendAsync(type.Path(@namespace, name), HttpMethod.Get, body: null, cancellationToken).ConfigureAwait(false);

    public async Task<ObjectList> ListAsync(ResourceType type, string? @namespace, string? labelSelector, CancellationToken cancellationToken)
    {
        var query = labelSelector is null ? "" : "?labelSelector=" + Uri.EscapeDataString(labelSelector);
        var list = await SendAsync(type.Path(@namespace) + query, HttpMethod.Get, body: null, cancellationToken).ConfigureAwait(false);
        var items = (list["items"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(item =>
            {
                // List items come without apiVersion/kind; the rest of the operator expects them.
                item["apiVersion"] ??= type.ApiVersion;
                item["kind"] ??= type.Kind;
                return item;
            })
            .ToList();
        return new ObjectList(items, list["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "");
    }

    public async IAsyncEnumerable<WatchEvent> WatchAsync(
        ResourceType type,
        string? @namespace,
        string? labelSelector,
        string resourceVersion,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new StringBuilder("?watch=true&allowWatchBookmarks=true");
        query.Append("&resourceVersion=").Append(Uri.EscapeDataString(resourceVersion));
        query.Append("&timeoutSeconds=").Append((int)WatchTimeout.TotalSeconds);
        if (labelSelector is not null)
        {
            query.Append("&labelSelector=").Append(Uri.EscapeDataString(labelSelector));
        }

        HttpResponseMessage response;
        try
        {
            response = await client.SendRawAsync(type.Path(@namespace) + query, HttpMethod.Get, null, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            throw Translate(e);
        }

        using (response)
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using var streamScope = stream.ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (true)
            {
                var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (line is null)
                {
                    yield break;
                }
                if (line.Length == 0)
                {
                    continue;
                }
                var node = JsonNode.Parse(line)!.AsObject();
                var eventType = node["type"]?.GetValue<string>();
                var obj = node["object"] as JsonObject ?? new JsonObject();
                switch (eventType)
                {
                    case "ADDED":
                        yield return new WatchEvent(WatchEventType.Added, obj);
                        break;
                    case "MODIFIED":
                        yield return new WatchEvent(WatchEventType.Modified, obj);
                        break;
                    case "DELETED":
                        yield return new WatchEvent(WatchEventType.Deleted, obj);
                        break;
                    case "BOOKMARK":
                        yield return new WatchEvent(WatchEventType.Bookmark, obj);
                        break;
                    case "ERROR":
                        // The API server reports an expired resourceVersion as an ERROR event carrying a 410 Status.
                        var code = obj["code"]?.GetValue<int>() ?? 500;
                        throw new KubeApiException((HttpStatusCode)code, obj["reason"]?.GetValue<string>() ?? "Unknown", obj["message"]?.GetValue<string>() ?? "watch error");
                }
            }
        }
    }

    public Task<JsonObject> CreateAsync(ResourceType type, JsonObject obj, CancellationToken cancellationToken) =>
        SendAsync(type.Path(obj.Namespace()), HttpMethod.Post, obj, cancellationToken);

    public Task<JsonObject> ReplaceStatusAsync(ResourceType type, JsonObject obj, CancellationToken cancellationToken) =>
        SendAsync(type.Path(obj.Namespace(), obj.Name(), "status"), HttpMethod.Put, obj, cancellationToken);

    public Task<JsonObject> ApplyAsync(ResourceType type, JsonObject obj, string fieldManager, bool force, CancellationToken cancellationToken)
    {
        var path = type.Path(obj.Namespace(), obj.Name()) + "?fieldManager=" + Uri.EscapeDataString(fieldManager) + (force ? "&force=true" : "")
            + "&fieldValidation=" + ApplyFieldValidation;
        // JSON is valid YAML, which is what application/apply-patch+yaml expects.
        var patch = new V1Patch(obj.ToJsonString(), V1Patch.PatchType.ApplyPatch);
        return SendAsync(path, HttpMethod.Patch, patch, cancellationToken);
    }

    public async Task DeleteAsync(ResourceType type, string? @namespace, string name, CancellationToken cancellationToken)
    {
        var options = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "DeleteOptions", ["propagationPolicy"] = "Background" };
        await SendAsync(type.Path(@namespace, name), HttpMethod.Delete, options, cancellationToken).ConfigureAwait(false);
    }

    private async Task<JsonObject> SendAsync(string path, HttpMethod method, object? body, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var response = await client.SendRawAsync(path, method, body, timeout.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            return JsonNode.Parse(text) as JsonObject ?? new JsonObject();
        }
        catch (HttpOperationException e)
        {
            throw Translate(e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KubeApiException(HttpStatusCode.GatewayTimeout, "Timeout", $"{method} {path} did not complete within {RequestTimeout.TotalSeconds:0}s", e);
        }
    }

    private static KubeApiException Translate(HttpOperationException e)
    {
        var status = e.Response?.StatusCode ?? HttpStatusCode.InternalServerError;
        string reason = status.ToString();
        string message = e.Message;
        try
        {
            if (e.Response?.Content is { Length: > 0 } content && JsonNode.Parse(content) is JsonObject statusObject)
            {
                reason = statusObject["reason"]?.GetValue<string>() ?? reason;
                message = statusObject["message"]?.GetValue<string>() ?? message;
            }
        }
        catch (JsonException)
        {
            // Not a Status object (e.g. a proxy's HTML error page): keep the client's message.
        }
        return new KubeApiException(status, reason, message, e);
    }

    public void Dispose() => client.Dispose();

    /// <summary>Exposes KubernetesClient's authenticated request pipeline for arbitrary REST paths.</summary>
    private sealed class RawKubernetes(KubernetesClientConfiguration configuration, DelegatingHandler[] handlers)
        : k8s.Kubernetes(configuration, handlers)
    {
        public Task<HttpResponseMessage> SendRawAsync(string path, HttpMethod method, object? body, CancellationToken cancellationToken) =>
            body is null
                ? SendRequest<object?>(path.TrimStart('/'), method, customHeaders: null, body: null, cancellationToken)
                : SendRequest(path.TrimStart('/'), method, customHeaders: null, body, cancellationToken);
    }
}
