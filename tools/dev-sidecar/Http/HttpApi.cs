using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogDapr.DevSidecar.Cli;
using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LogDapr.DevSidecar.Http;

/// <summary>
/// The Dapr HTTP API subset the metadata endpoint advertises (health, metadata, publish, bulk publish, state with
/// transactions, output bindings, secrets), answered as daprd v1.16.0 answers (pkg/api/http), plus the
/// development-only diagnostics under <c>/v1.0-dev</c>. Anything else gets daprd's fallback route: service
/// invocation without an app id, 404 ERR_DIRECT_INVOKE.
/// </summary>
public static class HttpApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1.0/healthz", (SidecarRuntime runtime) => runtime.Ready ? Results.NoContent() : Error(new DaprApiException(global::Grpc.Core.StatusCode.Internal, 500, "ERR_HEALTH_NOT_READY", "dapr is not ready: not ready")));
        app.MapGet("/v1.0/healthz/outbound", (SidecarRuntime runtime) => runtime.Ready ? Results.NoContent() : Error(new DaprApiException(global::Grpc.Core.StatusCode.Internal, 500, "ERR_OUTBOUND_HEALTH_NOT_READY", "dapr outbound is not ready")));
        app.MapGet("/v1.0/metadata", (HttpContext context, SidecarRuntime runtime, ApiCallers callers) => Results.Json(MetadataJson(runtime.Metadata(callers.AppIdOf(context)))));

        app.MapMethods("/v1.0/publish/{pubsub}/{**topic}", ["POST", "PUT"], PublishEndpoints.PublishAsync);
        app.MapMethods("/v1.0-alpha1/publish/bulk/{pubsub}/{**topic}", ["POST", "PUT"], PublishEndpoints.BulkPublishAsync);

        app.MapGet("/v1.0/state/{store}/{key}", StateEndpoints.Get);
        app.MapMethods("/v1.0/state/{store}", ["POST", "PUT"], StateEndpoints.SaveAsync);
        app.MapMethods("/v1.0/state/{store}/bulk", ["POST", "PUT"], StateEndpoints.BulkGetAsync);
        app.MapMethods("/v1.0/state/{store}/transaction", ["POST", "PUT"], StateEndpoints.TransactAsync);
        app.MapDelete("/v1.0/state/{store}/{key}", StateEndpoints.Delete);

        app.MapMethods("/v1.0/bindings/{name}", ["POST", "PUT"], BindingEndpoints.InvokeAsync);

        app.MapGet("/v1.0/secrets/{store}/bulk", SecretEndpoints.BulkGet);
        app.MapGet("/v1.0/secrets/{store}/{key}", SecretEndpoints.Get);

        app.MapGet("/v1.0-dev/topics", (SidecarRuntime runtime) => Results.Json(Diagnostics.Topics(runtime.Broker.Snapshot())));
        app.MapGet("/v1.0-dev/apps", (SidecarRuntime runtime) => Results.Json(Diagnostics.Apps(runtime.Subscriptions.AppStatuses())));
        // Drills: the state store's backend unreachable (PUT) and back (DELETE); see the fidelity table.
        app.MapPut("/v1.0-dev/state/{store}/outage", (string store, SidecarRuntime runtime) => StateOutage(runtime, store, unreachable: true));
        app.MapDelete("/v1.0-dev/state/{store}/outage", (string store, SidecarRuntime runtime) => StateOutage(runtime, store, unreachable: false));

        // daprd routes every unmatched path and method to service invocation, which answers this for a path naming no app.
        app.MapFallback((HttpContext context) => context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true
            ? Results.StatusCode(404)
            : Error(DaprApiException.NoAppId()));
    }

    private static IResult StateOutage(SidecarRuntime runtime, string store, bool unreachable) =>
        runtime.StateStores.SetOutage(store, unreachable) ? Results.NoContent() : Error(DaprApiException.StateStoreNotFound(store));

    /// <summary>Turns <see cref="DaprApiException"/> into daprd's error body for every HTTP endpoint.</summary>
    public static async Task ErrorMiddleware(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (DaprApiException ex) when (!context.Response.HasStarted && !IsGrpc(context))
        {
            context.Response.Clear();
            await HttpErrors.WriteAsync(context, ex).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// With --dapr-api-token set, HTTP calls need the dapr-api-token header; GET on the health endpoints is exempt.
    /// daprd answers with Go's http.Error: text/plain "invalid api token" (pkg/api/http/middlewares.go).
    /// </summary>
    public static RequestDelegate ApiTokenMiddleware(RequestDelegate next, string? token) => async context =>
    {
        var path = context.Request.Path.Value?.Trim('/') ?? "";
        var exempt = HttpMethods.IsGet(context.Request.Method) && path is "v1.0/healthz" or "v1.0/healthz/outbound";
        if (token is not null && !IsGrpc(context) && !exempt && context.Request.Headers["dapr-api-token"] != token)
        {
            context.Response.StatusCode = 401;
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.Headers["X-Content-Type-Options"] = "nosniff";
            await context.Response.WriteAsync("invalid api token\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    };

    internal static IResult Error(DaprApiException error) => Results.Json(HttpErrors.Body(error), statusCode: error.HttpStatus);

    internal static bool IsGrpc(HttpContext context) =>
        context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>getMetadataFromRequest: query parameters <c>metadata.&lt;key&gt;</c>, first value of each.</summary>
    internal static Dictionary<string, string> QueryMetadata(HttpRequest request)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            if (key.StartsWith("metadata.", StringComparison.Ordinal))
            {
                metadata[key["metadata.".Length..]] = value.FirstOrDefault() ?? "";
            }
        }

        return metadata;
    }

    internal static string Caller(HttpContext context) => context.RequestServices.GetRequiredService<ApiCallers>().AppIdOf(context);

    internal static int MaxBody(HttpContext context) => context.RequestServices.GetRequiredService<SidecarOptions>().MaxBodySize;

    internal static JsonNode? ParseOrString(byte[] value)
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
