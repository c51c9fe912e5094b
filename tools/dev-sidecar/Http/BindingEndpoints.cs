using System.Text.Json.Nodes;
using LogDapr.DevSidecar.Bindings;
using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.Go;
using LogDapr.DevSidecar.Runtime;
using Microsoft.AspNetCore.Http;

namespace LogDapr.DevSidecar.Http;

/// <summary>daprd v1.16.0 pkg/api/http/http.go onOutputBindingMessage: body {data, metadata, operation}; data is passed as its JSON encoding.</summary>
public static class BindingEndpoints
{
    public static async Task InvokeAsync(HttpContext context, string name)
    {
        var runtime = context.RequestServices.GetRequiredService<SidecarRuntime>();
        JsonNode? body;
        string operation;
        Dictionary<string, string> metadata;
        try
        {
            body = RequestBody.DecodeFirst(await RequestBody.ReadAsync(context.Request, HttpApi.MaxBody(context)).ConfigureAwait(false));
            if (body is not null and not JsonObject)
            {
                throw new GoJsonException($"json: cannot unmarshal {RequestBody.GoKind(body)} into Go value of type http.OutputBindingRequest");
            }

            operation = RequestBody.GoString(body.Get("operation"), "OutputBindingRequest.operation");
            metadata = RequestBody.GoStringMap(body.Get("metadata"), "OutputBindingRequest.metadata") ?? new Dictionary<string, string>();
        }
        catch (Exception ex) when (ex is BodyTooLargeException or GoJsonException)
        {
            throw DaprApiException.Malformed(ex.Message);
        }

        var response = await runtime.Bindings.InvokeAsync(HttpApi.Caller(context), name, operation, RequestBody.JsonBytes(body.Get("data")), metadata, context.RequestAborted).ConfigureAwait(false);
        foreach (var (k, v) in response.Metadata)
        {
            context.Response.Headers.Append("Metadata." + k, v);
        }

        if (ReferenceEquals(response, BindingResponse.Nil))
        {
            // respondWithEmpty (pkg/api/http/responses.go).
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(response.Data, context.RequestAborted).ConfigureAwait(false);
    }
}
