using System.Text;
using System.Text.Json.Nodes;
using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.Go;
using LogDapr.DevSidecar.PubSub;
using LogDapr.DevSidecar.Runtime;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LogDapr.DevSidecar.Http;

/// <summary>daprd v1.16.0 pkg/api/http/http.go onPublish and onBulkPublish.</summary>
public static class PublishEndpoints
{
    public static async Task PublishAsync(HttpContext context)
    {
        var runtime = context.RequestServices.GetRequiredService<SidecarRuntime>();
        var appId = HttpApi.Caller(context);
        var (pubsub, topic) = Route(context);
        var metadata = HttpApi.QueryMetadata(context.Request);
        runtime.Publisher.Validate(appId, pubsub, topic, metadata);

        byte[] body;
        try
        {
            body = await RequestBody.ReadAsync(context.Request, HttpApi.MaxBody(context)).ConfigureAwait(false);
        }
        catch (BodyTooLargeException ex)
        {
            throw DaprApiException.PublishFailed(pubsub, topic, ex.Message);
        }

        var message = runtime.Publisher.Envelope(appId, pubsub, topic, body, context.Request.ContentType, metadata, context.Request.Headers.TraceParent);
        await runtime.Publisher.PublishAsync(pubsub, topic, message, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public static async Task BulkPublishAsync(HttpContext context)
    {
        var runtime = context.RequestServices.GetRequiredService<SidecarRuntime>();
        var appId = HttpApi.Caller(context);
        var (pubsub, topic) = Route(context);
        var requestMetadata = HttpApi.QueryMetadata(context.Request);
        runtime.Publisher.Validate(appId, pubsub, topic, requestMetadata);

        // []bulkPublishMessageEntry decoded by encoding/json: field names match case-insensitively (entryID = entryId).
        JsonArray items;
        try
        {
            var body = await RequestBody.ReadAsync(context.Request, HttpApi.MaxBody(context)).ConfigureAwait(false);
            var decoded = RequestBody.DecodeFirst(body);
            items = decoded as JsonArray ?? (decoded is null ? [] : throw new GoJsonException($"json: cannot unmarshal {RequestBody.GoKind(decoded)} into Go value of type []http.bulkPublishMessageEntry"));
        }
        catch (Exception ex) when (ex is BodyTooLargeException or GoJsonException)
        {
            throw DaprApiException.BulkUnmarshal(pubsub, topic, appId, ex.Message);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var parsed = new List<(string EntryId, byte[] Event, string ContentType, Dictionary<string, string> Metadata)>();
        foreach (var item in items)
        {
            if (item is not null and not JsonObject)
            {
                throw DaprApiException.BulkUnmarshal(pubsub, topic, appId, $"json: cannot unmarshal {RequestBody.GoKind(item)} into Go value of type http.bulkPublishMessageEntry");
            }

            string entryId, contentType;
            Dictionary<string, string>? entryMetadata;
            try
            {
                entryId = RequestBody.GoString(item.Get("entryId"), "bulkPublishMessageEntry.entryId");
                contentType = RequestBody.GoString(item.Get("contentType"), "bulkPublishMessageEntry.contentType");
                entryMetadata = RequestBody.GoStringMap(item.Get("metadata"), "bulkPublishMessageEntry.metadata");
            }
            catch (GoJsonException ex)
            {
                throw DaprApiException.BulkUnmarshal(pubsub, topic, appId, ex.Message);
            }

            // ConvertEventToBytes runs before the entryId check, as in daprd.
            var data = EventBytes(item.Get("event"), contentType, error => DaprApiException.BulkEnvelope(pubsub, topic, appId, error));
            var metadata = new Dictionary<string, string>();
            if (entryMetadata is not null)
            {
                foreach (var (k, v) in requestMetadata)
                {
                    metadata[k] = v;
                }

                foreach (var (k, v) in entryMetadata)
                {
                    metadata[k] = v;
                }
            }

            if (entryId.Length == 0 || !seen.Add(entryId))
            {
                throw DaprApiException.BulkEntries(pubsub, topic, appId, "entryId is duplicated or not present for entry");
            }

            parsed.Add((entryId, data, contentType, metadata));
        }

        var entries = parsed
            .Select(p => new BulkPublishEntry(p.EntryId, runtime.Publisher.Envelope(appId, pubsub, topic, p.Event, p.ContentType, p.Metadata, context.Request.Headers.TraceParent)))
            .ToList();
        try
        {
            await runtime.Publisher.BulkPublishAsync(pubsub, topic, entries, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BulkPublishFailedException ex)
        {
            await WriteFailedAsync(context, ex).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>
    /// daprd answers a bulk publish with failed entries with the error's status, the failed entries and the error code
    /// as the body, and both again as <c>metadata.responseData</c> / <c>metadata.error</c> headers.
    /// </summary>
    private static async Task WriteFailedAsync(HttpContext context, BulkPublishFailedException failure)
    {
        var body = new JsonObject
        {
            ["failedEntries"] = new JsonArray(failure.FailedEntries.Select(e => (JsonNode)new JsonObject { ["entryId"] = e.EntryId, ["error"] = e.Error }).ToArray()),
            ["errorCode"] = "ERR_PUBSUB_PUBLISH_MESSAGE",
        };
        var json = body.ToJsonString();
        context.Response.StatusCode = failure.Error.HttpStatus;
        context.Response.ContentType = "application/json";
        context.Response.Headers["Metadata.responsedata"] = json;
        context.Response.Headers["Metadata.error"] = $"api error: code = {GoCodeName(failure.Error.GrpcCode)} desc = {failure.Error.Message}";
        await context.Response.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
    }

    private static string GoCodeName(global::Grpc.Core.StatusCode code) => code.ToString();

    private const string Mismatch = "error: mismatch between contentType and event";

    /// <summary>ConvertEventToBytes (pkg/api/http/util.go): base64 for octet-stream, strings for text, JSON for JSON/CloudEvents.</summary>
    private static byte[] EventBytes(JsonNode? node, string contentType, Func<string, Exception> fail)
    {
        if (ContentTypes.IsBinary(contentType))
        {
            if (node is not JsonValue v || !v.TryGetValue<string>(out var s))
            {
                throw fail(Mismatch);
            }

            try
            {
                return Convert.FromBase64String(s);
            }
            catch (FormatException ex)
            {
                throw fail($"error: unable to decode base64 application/octect-stream data: {ex.Message}");
            }
        }

        if (ContentTypes.IsString(contentType))
        {
            return node is JsonValue v && v.TryGetValue<string>(out var s) ? Encoding.UTF8.GetBytes(s) : throw fail(Mismatch);
        }

        return ContentTypes.IsJson(contentType) || ContentTypes.IsCloudEvent(contentType) ? RequestBody.JsonBytes(node) : throw fail(Mismatch);
    }

    // daprd's routes are "publish/{pubsubname}/*": without the slash after the pub/sub name nothing matches and the
    // service-invocation fallback answers; with it, an empty remainder is the empty topic.
    private static (string PubSub, string Topic) Route(HttpContext context)
    {
        var topic = context.GetRouteValue("topic") as string ?? "";
        if (topic.Length == 0 && context.Request.Path.Value?.EndsWith('/') != true)
        {
            throw DaprApiException.NoAppId();
        }

        return (context.GetRouteValue("pubsub") as string ?? "", topic);
    }
}
