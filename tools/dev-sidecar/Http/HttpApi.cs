using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.Hosting;
using LogDapr.DevSidecar.PubSub;
using LogDapr.DevSidecar.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LogDapr.DevSidecar.Http;

/// <summary>
/// The Dapr HTTP API subset (health, metadata, publish, bulk publish, state, bindings) with daprd's status codes and
/// <c>{"errorCode","message"}</c> error bodies, plus the development-only diagnostics under <c>/v1.0-dev</c>.
/// </summary>
public static class HttpApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1.0/healthz", (SidecarRuntime runtime) => runtime.Ready ? Results.NoContent() : Error(500, "ERR_HEALTH_NOT_READY", "dapr is not ready"));
        app.MapGet("/v1.0/healthz/outbound", (SidecarRuntime runtime) => runtime.Ready ? Results.NoContent() : Error(500, "ERR_OUTBOUND_HEALTH_NOT_READY", "dapr outbound is not ready"));
        app.MapGet("/v1.0/metadata", (SidecarRuntime runtime) => Results.Json(MetadataJson(runtime.Metadata())));

        app.MapPost("/v1.0/publish/{pubsub}/{**topic}", PublishAsync);
        app.MapPost("/v1.0-alpha1/publish/bulk/{pubsub}/{**topic}", BulkPublishAsync);
        app.MapPost("/v1.0/publish/bulk/{pubsub}/{**topic}", BulkPublishAsync);

        app.MapGet("/v1.0/state/{store}/{**key}", GetState);
        app.MapPost("/v1.0/state/{store}/bulk", GetBulkStateAsync);
        app.MapPost("/v1.0/state/{store}", SaveStateAsync);
        app.MapDelete("/v1.0/state/{store}/{**key}", DeleteState);

        app.MapPost("/v1.0/bindings/{name}", InvokeBindingAsync);
        app.MapPut("/v1.0/bindings/{name}", InvokeBindingAsync);

        app.MapGet("/v1.0-dev/topics", (SidecarRuntime runtime) => Results.Json(Diagnostics.Topics(runtime.Broker.Snapshot())));
        app.MapGet("/v1.0-dev/apps", (SidecarRuntime runtime) => Results.Json(Diagnostics.Apps(runtime.Subscriptions.AppStatuses())));
    }

    /// <summary>Turns <see cref="DaprApiException"/> into daprd's error body for every HTTP endpoint.</summary>
    public static async Task ErrorMiddleware(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (DaprApiException ex) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await Error(ex.HttpStatus, ex.ErrorCode, ex.Message).ExecuteAsync(context).ConfigureAwait(false);
        }
    }

    /// <summary>With --dapr-api-token set, HTTP calls need the dapr-api-token header; health endpoints are exempt, as in daprd.</summary>
    public static RequestDelegate ApiTokenMiddleware(RequestDelegate next, string? token) => async context =>
    {
        var isGrpc = context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
        if (token is not null && !isGrpc && !context.Request.Path.StartsWithSegments("/v1.0/healthz")
            && context.Request.Headers["dapr-api-token"] != token)
        {
            await Error(401, "ERR_API_TOKEN", "invalid api token").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    };

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new JsonObject { ["errorCode"] = code, ["message"] = message }, statusCode: status);

    private static Dictionary<string, string> QueryMetadata(HttpRequest request)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            if (key.StartsWith("metadata.", StringComparison.Ordinal))
            {
                metadata[key["metadata.".Length..]] = value.ToString();
            }
        }

        return metadata;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static async Task<IResult> PublishAsync(string pubsub, string topic, HttpRequest request, SidecarRuntime runtime)
    {
        runtime.Broker.GetPubSub(pubsub);
        if (string.IsNullOrEmpty(topic))
        {
            throw DaprApiException.TopicEmpty(pubsub);
        }

        var body = await ReadBodyAsync(request).ConfigureAwait(false);
        var message = CloudEventBuilder.Build(pubsub, topic, body, request.ContentType, QueryMetadata(request), runtime.Options.AppId, request.Headers.TraceParent);
        await runtime.Broker.PublishAsync(pubsub, topic, message, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return Results.NoContent();
    }

    private static async Task<IResult> BulkPublishAsync(string pubsub, string topic, HttpRequest request, SidecarRuntime runtime)
    {
        runtime.Broker.GetPubSub(pubsub);
        if (string.IsNullOrEmpty(topic))
        {
            throw DaprApiException.TopicEmpty(pubsub);
        }

        var requestMetadata = QueryMetadata(request);
        CloudEventBuilder.IsRawPayload(requestMetadata);
        JsonArray entries;
        try
        {
            entries = JsonNode.Parse(await ReadBodyAsync(request).ConfigureAwait(false)) as JsonArray ?? throw new JsonException("expected a JSON array of entries");
        }
        catch (JsonException ex)
        {
            throw DaprApiException.Malformed(ex.Message);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var messages = new List<OutgoingMessage>();
        foreach (var entry in entries)
        {
            var entryId = entry.GetStringOrNull("entryId");
            if (string.IsNullOrEmpty(entryId) || !seen.Add(entryId))
            {
                throw DaprApiException.BulkEntries(pubsub, topic, "entryId is duplicated or not present for entry");
            }

            var contentType = entry.GetStringOrNull("contentType") ?? "";
            var data = EventBytes(entry?["event"], contentType, pubsub, topic);
            var metadata = new Dictionary<string, string>(requestMetadata);
            if (entry?["metadata"] is JsonObject entryMetadata)
            {
                foreach (var (k, v) in entryMetadata)
                {
                    metadata[k] = v?.ToString() ?? "";
                }
            }

            messages.Add(CloudEventBuilder.Build(pubsub, topic, data, contentType, metadata, runtime.Options.AppId, request.Headers.TraceParent));
        }

        await runtime.Broker.PublishManyAsync(pubsub, topic, messages, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return Results.NoContent();
    }

    /// <summary>daprd's ConvertEventToBytes: base64 for octet-stream, strings for text, JSON for JSON/CloudEvents.</summary>
    private static byte[] EventBytes(JsonNode? node, string contentType, string pubsub, string topic)
    {
        if (ContentTypes.IsBinary(contentType))
        {
            try
            {
                return Convert.FromBase64String(node?.GetValue<string>() ?? throw new FormatException());
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException)
            {
                throw DaprApiException.BulkEntries(pubsub, topic, "unable to decode base64 application/octet-stream data");
            }
        }

        if (ContentTypes.IsString(contentType))
        {
            return node is JsonValue v && v.TryGetValue<string>(out var s)
                ? Encoding.UTF8.GetBytes(s)
                : throw DaprApiException.BulkEntries(pubsub, topic, "error: mismatch between contentType and event");
        }

        if (ContentTypes.IsJson(contentType) || ContentTypes.IsCloudEvent(contentType))
        {
            return Encoding.UTF8.GetBytes(node?.ToJsonString() ?? "null");
        }

        throw DaprApiException.BulkEntries(pubsub, topic, "error: mismatch between contentType and event");
    }

    private static IResult GetState(string store, string key, HttpRequest request, SidecarRuntime runtime)
    {
        var entry = runtime.StateStores.Get(store).Get(key);
        if (entry is null)
        {
            return Results.NoContent();
        }

        request.HttpContext.Response.Headers.ETag = entry.ETag;
        foreach (var (k, v) in entry.ResponseMetadata)
        {
            request.HttpContext.Response.Headers["metadata." + k] = v;
        }

        return Results.Bytes(entry.Value, "application/json");
    }

    private static async Task<IResult> GetBulkStateAsync(string store, HttpRequest request, SidecarRuntime runtime)
    {
        var body = JsonNode.Parse(await ReadBodyAsync(request).ConfigureAwait(false));
        var stateStore = runtime.StateStores.Get(store);
        var result = new JsonArray();
        foreach (var keyNode in body?["keys"] as JsonArray ?? [])
        {
            var key = keyNode?.GetValue<string>() ?? "";
            var entry = stateStore.Get(key);
            var item = new JsonObject { ["key"] = key };
            if (entry is not null)
            {
                item["data"] = ParseOrString(entry.Value);
                item["etag"] = entry.ETag;
            }

            result.Add(item);
        }

        return Results.Json(result);
    }

    private static async Task<IResult> SaveStateAsync(string store, HttpRequest request, SidecarRuntime runtime)
    {
        JsonArray items;
        try
        {
            items = JsonNode.Parse(await ReadBodyAsync(request).ConfigureAwait(false)) as JsonArray ?? throw new JsonException("expected a JSON array");
        }
        catch (JsonException ex)
        {
            throw DaprApiException.Malformed(ex.Message);
        }

        var writes = new List<StateWrite>();
        foreach (var item in items)
        {
            var key = item.GetStringOrNull("key") ?? throw DaprApiException.BadRequest("state item without key");
            var value = item?["value"];

            // daprd stores HTTP values as their JSON encoding.
            var bytes = Encoding.UTF8.GetBytes(value?.ToJsonString() ?? "null");
            var metadata = new Dictionary<string, string>();
            if (item?["metadata"] is JsonObject m)
            {
                foreach (var (k, v) in m)
                {
                    metadata[k] = v?.ToString() ?? "";
                }
            }

            var concurrency = item?["options"]?["concurrency"]?.GetValue<string>();
            writes.Add(new StateWrite(key, bytes, item.GetStringOrNull("etag"), concurrency == "first-write", metadata));
        }

        runtime.StateStores.Get(store).Save(writes);
        return Results.NoContent();
    }

    private static IResult DeleteState(string store, string key, HttpRequest request, SidecarRuntime runtime)
    {
        var etag = request.Headers.IfMatch.ToString();
        var firstWrite = request.Query["concurrency"] == "first-write";
        runtime.StateStores.Get(store).Delete(new StateDelete(key, string.IsNullOrEmpty(etag) ? null : etag, firstWrite));
        return Results.NoContent();
    }

    private static async Task<IResult> InvokeBindingAsync(string name, HttpRequest request, SidecarRuntime runtime)
    {
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(await ReadBodyAsync(request).ConfigureAwait(false));
        }
        catch (JsonException ex)
        {
            throw DaprApiException.Malformed(ex.Message);
        }

        var metadata = new Dictionary<string, string>();
        if (body?["metadata"] is JsonObject m)
        {
            foreach (var (k, v) in m)
            {
                metadata[k] = v?.ToString() ?? "";
            }
        }

        var dataNode = body?["data"];
        var data = dataNode is null ? [] : dataNode is JsonValue dv && dv.TryGetValue<string>(out var s) ? Encoding.UTF8.GetBytes(s) : Encoding.UTF8.GetBytes(dataNode.ToJsonString());
        var response = await runtime.Bindings.InvokeAsync(name, body.GetStringOrNull("operation") ?? "", data, metadata, request.HttpContext.RequestAborted).ConfigureAwait(false);
        foreach (var (k, v) in response.Metadata)
        {
            request.HttpContext.Response.Headers["Metadata." + k] = v;
        }

        return response.Data.Length == 0 ? Results.NoContent() : Results.Bytes(response.Data, "application/json");
    }

    private static JsonNode? ParseOrString(byte[] value)
    {
        try
        {
            return JsonNode.Parse(value);
        }
        catch (JsonException)
        {
            return Encoding.UTF8.GetString(value);
        }
    }

    private static string? GetStringOrNull(this JsonNode? node, string name) =>
        node is JsonObject obj && obj[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static JsonObject MetadataJson(SidecarMetadata metadata) => new()
    {
        ["id"] = metadata.Id,
        ["runtimeVersion"] = metadata.RuntimeVersion,
        ["enabledFeatures"] = new JsonArray(),
        ["components"] = new JsonArray(metadata.Components.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Name,
            ["type"] = c.Type,
            ["version"] = c.Version,
            ["capabilities"] = new JsonArray(c.Capabilities.Select(x => (JsonNode)JsonValue.Create(x)).ToArray()),
        }).ToArray()),
        ["subscriptions"] = new JsonArray(metadata.Subscriptions.Select(s => (JsonNode)new JsonObject
        {
            ["appID"] = s.AppId,
            ["pubsubname"] = s.PubSubName,
            ["topic"] = s.Topic,
            ["deadLetterTopic"] = s.DeadLetterTopic,
            ["metadata"] = JsonSerializer.SerializeToNode(s.Metadata),
            ["rules"] = new JsonArray(s.Rules.Select(r => (JsonNode)new JsonObject { ["match"] = r.Match, ["path"] = r.Path }).ToArray()),
            ["type"] = s.Declarative ? "DECLARATIVE" : "PROGRAMMATIC",
        }).ToArray()),
        ["extended"] = JsonSerializer.SerializeToNode(metadata.Extended),
    };
}
