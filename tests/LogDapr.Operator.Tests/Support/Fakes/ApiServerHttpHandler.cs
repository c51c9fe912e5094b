using System.IO.Pipelines;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Web;
using LogDapr.Formats.Yaml;
using LogDapr.Operator.Kubernetes;

namespace LogDapr.Operator.Tests.Support.Fakes;

/// <summary>
/// Serves the Kubernetes REST protocol from a <see cref="FakeApiServer"/> inside an HttpClient pipeline, so the
/// real KubernetesClient (and everything built on it: <see cref="KubernetesApiClient"/>, k8s.LeaderElection's
/// LeaseLock) runs against the fake without sockets. Errors are Status objects with the HTTP code, watches are
/// chunked streams of JSON lines, an expired resourceVersion is an ERROR event carrying a 410 Status.
/// </summary>
public sealed class ApiServerHttpHandler(FakeApiServer server, string user) : DelegatingHandler
{
    /// <summary>While false every request fails as if the network to the API server were down.</summary>
    public volatile bool Reachable = true;

    public static k8s.KubernetesClientConfiguration Configuration => new() { Host = "http://fake-apiserver.invalid" };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (!Reachable)
        {
            throw new HttpRequestException("connection refused (simulated partition)");
        }
        var uri = request.RequestUri!;
        var query = HttpUtility.ParseQueryString(uri.Query);
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        HttpResponseMessage response;
        try
        {
            response = server.As(user, () => Serve(request, uri, query, body, cancellationToken));
        }
        catch (KubeApiException e)
        {
            response = Json(e.StatusCode, StatusObject(e));
        }
        // KubernetesClient reads the request back from the response, as a real HttpClient handler provides it.
        response.RequestMessage = request;
        return response;
    }

    private HttpResponseMessage Serve(HttpRequestMessage request, Uri uri, System.Collections.Specialized.NameValueCollection query, string? body, CancellationToken cancellationToken)
    {
        {
            var (type, ns, name, subresource) = Route(uri.AbsolutePath);
            switch (request.Method.Method)
            {
                case "GET" when name is null && query["watch"] == "true":
                    return Watch(type, ns, query["labelSelector"], query["resourceVersion"] ?? "", cancellationToken);
                case "GET" when name is null:
                    var list = server.List(type, ns, query["labelSelector"]);
                    return Json(HttpStatusCode.OK, new JsonObject
                    {
                        ["apiVersion"] = type.ApiVersion,
                        ["kind"] = type.Kind + "List",
                        ["metadata"] = new JsonObject { ["resourceVersion"] = list.ResourceVersion },
                        ["items"] = new JsonArray(list.Items.Select(i => (JsonNode)i).ToArray()),
                    });
                case "GET":
                    return Json(HttpStatusCode.OK, server.Get(type, ns, name!, user));
                case "POST":
                    return Json(HttpStatusCode.Created, server.Create(type, Parse(body), query["fieldManager"] ?? user));
                case "PUT" when subresource == "status":
                    return Json(HttpStatusCode.OK, server.UpdateStatus(type, Parse(body), query["fieldManager"] ?? user));
                case "PUT":
                    return Json(HttpStatusCode.OK, server.Update(type, Parse(body), query["fieldManager"] ?? user));
                case "PATCH" when request.Content?.Headers.ContentType?.MediaType == "application/apply-patch+yaml":
                    var applied = Parse(body);
                    if (applied.Name() != name)
                    {
                        throw KubeApiException.Invalid("the name of the object does not match the name on the URL");
                    }
                    return Json(HttpStatusCode.OK, server.Apply(type, applied, query["fieldManager"] ?? "", query["force"] == "true", query["fieldValidation"]));
                case "PATCH":
                    throw new KubeApiException(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", "only server-side apply patches are supported by the fake");
                case "DELETE":
                    server.Delete(type, ns, name!);
                    return Json(HttpStatusCode.OK, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Success" });
                default:
                    throw new KubeApiException(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", request.Method.Method);
            }
        }
    }

    private static JsonObject StatusObject(KubeApiException e) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = e.Message,
        ["reason"] = e.Reason,
        ["code"] = (int)e.StatusCode,
    };

    private static JsonObject Parse(string? body) =>
        (body is null ? null : YamlDocuments.Parse(body).FirstOrDefault()) as JsonObject
        ?? throw KubeApiException.Invalid("request body is not an object");

    private static (ResourceType Type, string? Namespace, string? Name, string? Subresource) Route(string path)
    {
        var segments = path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        int index;
        string group, version;
        if (segments.Length >= 2 && segments[0] == "api")
        {
            (group, version, index) = ("", segments[1], 2);
        }
        else if (segments.Length >= 3 && segments[0] == "apis")
        {
            (group, version, index) = (segments[1], segments[2], 3);
        }
        else
        {
            throw KubeApiException.NotFound($"the server could not find the requested resource ({path})");
        }
        string? ns = null;
        if (segments.Length > index + 1 && segments[index] == "namespaces" && segments.Length > index + 2)
        {
            ns = segments[index + 1];
            index += 2;
        }
        var plural = segments.ElementAtOrDefault(index) ?? throw KubeApiException.NotFound(path);
        var type = KnownResources.All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural)
            ?? throw KubeApiException.NotFound($"the server could not find the requested resource ({path})");
        return (type, ns, segments.ElementAtOrDefault(index + 1), segments.ElementAtOrDefault(index + 2));
    }

    private static HttpResponseMessage Json(HttpStatusCode code, JsonObject body) => new(code)
    {
        Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
    };

    private HttpResponseMessage Watch(ResourceType type, string? ns, string? selector, string resourceVersion, CancellationToken cancellationToken)
    {
        var pipe = new Pipe();
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _ = Task.Run(async () =>
        {
            var writer = pipe.Writer;
            try
            {
                var reader = server.As(user, () => server.Watch(type, ns, selector, resourceVersion, stop.Token));
                await foreach (var change in reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    var line = new JsonObject { ["type"] = change.Type.ToString().ToUpperInvariant(), ["object"] = change.Object };
                    await writer.WriteAsync(Encoding.UTF8.GetBytes(line.ToJsonString() + "\n"), stop.Token).ConfigureAwait(false);
                }
            }
            catch (KubeApiException e)
            {
                var line = new JsonObject { ["type"] = "ERROR", ["object"] = StatusObject(e) };
                await writer.WriteAsync(Encoding.UTF8.GetBytes(line.ToJsonString() + "\n"), CancellationToken.None).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Client went away.
            }
            catch (InvalidOperationException)
            {
                // Reader completed (response disposed).
            }
            finally
            {
                await writer.CompleteAsync().ConfigureAwait(false);
                stop.Dispose();
            }
        }, CancellationToken.None);

        var content = new StreamContent(new WatchStream(pipe.Reader.AsStream(), stop));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    /// <summary>Stops the server side of a watch when the client disposes the response stream.</summary>
    private sealed class WatchStream(Stream inner, CancellationTokenSource stop) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                try
                {
                    stop.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The writer already finished.
                }
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
