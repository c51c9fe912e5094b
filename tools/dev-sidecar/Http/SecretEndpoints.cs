using System.Text.Json.Nodes;
using LogDapr.DevSidecar.Runtime;
using Microsoft.AspNetCore.Http;

namespace LogDapr.DevSidecar.Http;

/// <summary>
/// daprd v1.16.0 pkg/api/http/secrets.go over pkg/api/universal/secrets.go: GET /v1.0/secrets/{store}/{key} answers
/// {key: value}; GET /v1.0/secrets/{store}/bulk answers {name: {key: value}}. Secret stores outside the caller's
/// scopes do not exist for it.
/// </summary>
public static class SecretEndpoints
{
    public static IResult Get(HttpContext context, string store, string key)
    {
        var runtime = context.RequestServices.GetRequiredService<SidecarRuntime>();
        var secretStore = runtime.Catalog.SecretStoreFor(HttpApi.Caller(context), store);
        var secret = secretStore.GetSecret(key) ?? new Dictionary<string, string> { [key] = "" };
        return Results.Json(new JsonObject(secret.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))));
    }

    public static IResult BulkGet(HttpContext context, string store)
    {
        var runtime = context.RequestServices.GetRequiredService<SidecarRuntime>();
        var secretStore = runtime.Catalog.SecretStoreFor(HttpApi.Caller(context), store);
        var result = new JsonObject();
        foreach (var (name, values) in secretStore.BulkGetSecret().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            result[name] = new JsonObject(values.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        }

        return Results.Json(result);
    }
}
