using System.Text.Json.Nodes;
using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.Go;
using LogDapr.DevSidecar.Runtime;
using LogDapr.DevSidecar.State;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LogDapr.DevSidecar.Http;

/// <summary>
/// daprd v1.16.0 pkg/api/http/http.go onGetState, onPostState, onBulkGetState, onDeleteState and
/// onPostStateTransaction. Request JSON is matched as Go decodes it (encoding/json, mapstructure for transaction
/// operations): field names case-insensitively.
/// </summary>
public static class StateEndpoints
{
    private const string Malformed = "ERR_MALFORMED_REQUEST";

    public static IResult Get(HttpContext context, string store, string key)
    {
        var runtime = context.RequestServices.GetRequiredService<SidecarRuntime>();
        var item = runtime.State.Get(HttpApi.Caller(context), store, key);
        if (item is null)
        {
            return Results.NoContent();
        }

        if (item.ETag is not null)
        {
            context.Response.Headers.ETag = item.ETag;
        }

        foreach (var (k, v) in item.Metadata)
        {
            context.Response.Headers["metadata." + k] = v;
        }

        return Results.Bytes(item.Value, "application/json");
    }

    public static async Task<IResult> SaveAsync(HttpContext context, string store)
    {
        var runtime = context.RequestServices.GetRequiredService<SidecarRuntime>();
        var appId = HttpApi.Caller(context);
        runtime.StateStores.Resolve(appId, store);
        JsonArray items;
        try
        {
            var decoded = RequestBody.DecodeFirst(await RequestBody.ReadAsync(context.Request, HttpApi.MaxBody(context)).ConfigureAwait(false));
            items = decoded as JsonArray ?? (decoded is null ? [] : throw new GoJsonException($"json: cannot unmarshal {RequestBody.GoKind(decoded)} into Go value of type []state.SetRequest"));
        }
        catch (Exception ex) when (ex is BodyTooLargeException or GoJsonException)
        {
            // NewAPIErrorHTTP(err.Error(), CommonMalformedRequest, 400): the decoder's text alone.
            throw new DaprApiException(global::Grpc.Core.StatusCode.InvalidArgument, 400, Malformed, ex.Message);
        }

        var query = HttpApi.QueryMetadata(context.Request);
        var writes = new List<StateWrite>();
        foreach (var item in items)
        {
            StateWrite write;
            try
            {
                write = ToWrite(item, "SetRequest", query, mergeOnlyIntoExisting: false);
            }
            catch (GoJsonException ex)
            {
                throw new DaprApiException(global::Grpc.Core.StatusCode.InvalidArgument, 400, Malformed, ex.Message);
            }

            if (write.Key.Length == 0)
            {
                throw new DaprApiException(global::Grpc.Core.StatusCode.InvalidArgument, 400, Malformed, "\"key\" is a required field");
            }

            writes.Add(write);
        }

        runtime.State.Save(appId, store, writes);
        return Results.NoContent();
    }

    public static async Task<IResult> BulkGetAsync(HttpContext context, string store)
    {
        var runtime = context.RequestServices.GetRequiredService<SidecarRuntime>();
        var appId = HttpApi.Caller(context);
        runtime.StateStores.Resolve(appId, store);
        List<string> keys;
        try
        {
            var body = RequestBody.DecodeFirst(await RequestBody.ReadAsync(context.Request, HttpApi.MaxBody(context)).ConfigureAwait(false));
            keys = body.Get("keys") is JsonArray array ? array.Select(k => RequestBody.GoString(k, "BulkGetRequest.keys")).ToList() : [];
        }
        catch (Exception ex) when (ex is BodyTooLargeException or GoJsonException)
        {
            throw DaprApiException.Malformed(ex.Message);
        }

        var result = new JsonArray();
        foreach (var (key, item, error) in runtime.State.BulkGet(appId, store, keys))
        {
            var entry = new JsonObject { ["key"] = key };
            if (error is not null)
            {
                entry["error"] = error;
            }

            if (item is not null)
            {
                entry["data"] = HttpApi.ParseOrString(item.Value);
                if (item.ETag is not null)
                {
                    entry["etag"] = item.ETag;
                }

                if (item.Metadata.Count > 0)
                {
                    entry["metadata"] = new JsonObject(item.Metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
                }
            }

            result.Add(entry);
        }

        return Results.Json(result);
    }

    public static IResult Delete(HttpContext context, string store, string key)
    {
        var runtime = context.RequestServices.GetRequiredService<SidecarRuntime>();
        var etag = context.Request.Headers.ContainsKey("If-Match") ? context.Request.Headers.IfMatch.ToString() : null;
        var concurrency = context.Request.Query["concurrency"].FirstOrDefault() ?? "";
        runtime.State.Delete(HttpApi.Caller(context), store, new StateDelete(key, etag, concurrency, HttpApi.QueryMetadata(context.Request)));
        return Results.NoContent();
    }

    public static async Task<IResult> TransactAsync(HttpContext context, string store)
    {
        var runtime = context.RequestServices.GetRequiredService<SidecarRuntime>();
        var appId = HttpApi.Caller(context);
        runtime.StateStores.Resolve(appId, store);
        JsonNode? body;
        try
        {
            body = RequestBody.DecodeFirst(await RequestBody.ReadAsync(context.Request, HttpApi.MaxBody(context)).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is BodyTooLargeException or GoJsonException)
        {
            throw DaprApiException.Malformed(ex.Message);
        }

        var query = HttpApi.QueryMetadata(context.Request);
        var operations = new List<object>();
        try
        {
            foreach (var op in body.Get("operations") as JsonArray ?? [])
            {
                var kind = RequestBody.GoString(op.Get("operation"), "stateTransactionRequestBodyOperation.operation");
                var request = op.Get("request");
                operations.Add(kind switch
                {
                    "upsert" => ToWrite(request, "SetRequest", query, mergeOnlyIntoExisting: true),
                    "delete" => ToDelete(request, query),
                    _ => throw DaprApiException.StateOperationNotSupported(kind, global::Grpc.Core.StatusCode.InvalidArgument, 400),
                });
            }
        }
        catch (GoJsonException ex)
        {
            throw DaprApiException.Malformed(ex.Message);
        }

        runtime.State.Transact(appId, store, operations);
        return Results.NoContent();
    }

    private static StateWrite ToWrite(JsonNode? item, string goType, Dictionary<string, string> query, bool mergeOnlyIntoExisting)
    {
        var key = RequestBody.GoString(item.Get("key"), goType + ".key");
        var etagNode = item.Get("etag");
        var etag = etagNode is null ? null : RequestBody.GoString(etagNode, goType + ".etag");
        var metadata = Merge(RequestBody.GoStringMap(item.Get("metadata"), goType + ".metadata"), query);
        var concurrency = RequestBody.GoString(item.Get("options").Get("concurrency"), "SetStateOption.concurrency");

        // Values are decoded into interface{} and stored as their JSON encoding.
        return new StateWrite(key, RequestBody.JsonBytes(item.Get("value")), etag, concurrency, metadata);
    }

    private static StateDelete ToDelete(JsonNode? item, Dictionary<string, string> query)
    {
        var key = RequestBody.GoString(item.Get("key"), "DeleteRequest.key");
        var etagNode = item.Get("etag");
        var etag = etagNode is null ? null : RequestBody.GoString(etagNode, "DeleteRequest.etag");
        var concurrency = RequestBody.GoString(item.Get("options").Get("concurrency"), "DeleteStateOption.concurrency");
        return new StateDelete(key, etag, concurrency, Merge(RequestBody.GoStringMap(item.Get("metadata"), "DeleteRequest.metadata"), query));
    }

    // Query metadata (metadata.<key>) overrides the item's own.
    private static Dictionary<string, string> Merge(Dictionary<string, string>? own, Dictionary<string, string> query)
    {
        var merged = own ?? new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in query)
        {
            merged[k] = v;
        }

        return merged;
    }
}
