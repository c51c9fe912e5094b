using System.Text.Json;
using System.Text.Json.Nodes;
using LogDapr.DevSidecar.Errors;
using Microsoft.AspNetCore.Http;

namespace LogDapr.DevSidecar.Http;

/// <summary>
/// daprd's HTTP error bodies (v1.16.0 pkg/api/http/responses.go respondWithError): <c>{"errorCode","message"}</c>
/// for APIErrors, plus <c>details</c> for dapr/kit errors (kit v0.16.1 errors.go JSONErrorValue: ErrorInfo and
/// ResourceInfo as maps with sorted keys, as Go marshals them).
/// </summary>
public static class HttpErrors
{
    public static Task WriteAsync(HttpContext context, DaprApiException error) => WriteAsync(context, error.HttpStatus, Body(error));

    public static async Task WriteAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    public static JsonObject Body(DaprApiException error)
    {
        var body = new JsonObject { ["errorCode"] = error.ErrorCode, ["message"] = error.Message };
        if (error.Details is { } details && error.DetailsOverHttp)
        {
            var list = new JsonArray();
            if (details.Resource is { } resource)
            {
                list.Add(new JsonObject
                {
                    ["@type"] = "type.googleapis.com/google.rpc.ResourceInfo",
                    ["description"] = resource.Description,
                    ["owner"] = resource.Owner,
                    ["resource_name"] = resource.Name,
                    ["resource_type"] = resource.Type,
                });
            }

            list.Add(new JsonObject
            {
                ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo",
                ["domain"] = "dapr.io",
                ["metadata"] = details.Metadata is null ? null : JsonSerializer.SerializeToNode(details.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary()),
                ["reason"] = details.Reason,
            });
            body["details"] = list;
        }

        return body;
    }
}
