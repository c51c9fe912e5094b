using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LogDapr.Aggregator.OpenApi;

/// <summary>
/// Declares how the query API authenticates (the same API keys as ingest: <c>X-API-Key</c> or a bearer token) and
/// requires one of them on every documented operation; the health, metrics and Dapr routes are not documented.
/// </summary>
internal sealed class SecuritySchemesTransformer : IOpenApiDocumentTransformer
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
            Name = "X-API-Key",
            Description = "An API key of the tenant (role read) or an admin key.",
        };
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The same API key as `Authorization: Bearer <key>`.",
        };
        document.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
        ];
        document.Info ??= new OpenApiInfo();
        document.Info.Title = "LogDapr aggregator query API";
        return Task.CompletedTask;
    }
}
