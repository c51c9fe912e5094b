using LogDapr.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace LogDapr.ServiceDefaults.OpenApi;

/// <summary>
/// What both services' OpenAPI documents say the same way: the two ways to present an API key (<c>X-API-Key</c>, or
/// <c>Authorization: Bearer</c>), required by default and on every operation that needs authorization, an explicit
/// empty requirement on the open ones, described tags, and server URLs without the trailing slash the generator adds.
/// </summary>
public static class ApiDocumentConventions
{
    public const string ApiKeyScheme = "ApiKey";
    public const string BearerScheme = "Bearer";

    /// <param name="title">The document's title.</param>
    /// <param name="tags">A description for every tag the service's operations use.</param>
    public static OpenApiOptions UseLogDaprConventions(this OpenApiOptions options, string title, IReadOnlyDictionary<string, string> tags)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info ??= new OpenApiInfo();
            document.Info.Title = title;
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthenticationHandler.HeaderName,
                Description = "An API key: a tenant's key with the role the operation needs, or an admin key.",
            };
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The same API key as `Authorization: Bearer <key>`.",
            };
            document.Security = KeyRequirements(document);
            foreach (var server in document.Servers ?? [])
            {
                server.Url = server.Url?.TrimEnd('/');
            }

            foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            {
                if (tag.Name is { } name && tags.TryGetValue(name, out var description))
                {
                    tag.Description = description;
                }
            }

            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var secured = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
            operation.Security = secured ? KeyRequirements(context.Document) : [];
            return Task.CompletedTask;
        });
        return options;
    }

    /// <summary>Either scheme satisfies the requirement: two alternatives, one scheme each.</summary>
    private static List<OpenApiSecurityRequirement> KeyRequirements(OpenApiDocument? document) =>
    [
        new() { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] },
        new() { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
    ];
}
