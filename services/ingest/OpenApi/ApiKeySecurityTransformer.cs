using LogDapr.Ingest.Ingestion;
using LogDapr.ServiceDefaults.Auth;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LogDapr.Ingest.OpenApi;

/// <summary>
/// Declares the two ways to present an API key (<c>X-API-Key</c>, or <c>Authorization: Bearer</c>) and requires one
/// of them on POST /v1/logs; the schema, health and metrics routes are open and say nothing.
/// </summary>
internal sealed class ApiKeySecurityTransformer : IOpenApiDocumentTransformer
{
    public const string ApiKeyScheme = "ApiKey";
    public const string BearerScheme = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.HeaderName,
            Description = "An API key of the tenant (role write) or an admin key.",
        };
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The same API key as `Authorization: Bearer <key>`.",
        };

        if (document.Paths?.TryGetValue(LogsEndpoint.Route, out var path) == true
            && path.Operations?.TryGetValue(HttpMethod.Post, out var operation) == true)
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
            ];
        }

        return Task.CompletedTask;
    }
}
