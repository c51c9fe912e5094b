using LogDapr.Configuration.Auth;
using LogDapr.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LogDapr.ServiceDefaults.Auth;

/// <summary>Authorization policies by role, and the registration both services share.</summary>
public static class AuthPolicies
{
    public const string Write = "logs:write";
    public const string Read = "logs:read";
    public const string Admin = "logs:admin";

    public static WebApplicationBuilder AddApiKeyAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>()
            .Bind(builder.Configuration.GetSection(AuthOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ApiKeyStore>());
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Write, p => p.RequireAssertion(c => ApiKeyClaims.HasRole(c.User, ApiKeyRoles.Write)))
            .AddPolicy(Read, p => p.RequireAssertion(c => ApiKeyClaims.HasRole(c.User, ApiKeyRoles.Read)))
            .AddPolicy(Admin, p => p.RequireAssertion(c => ApiKeyClaims.HasRole(c.User, ApiKeyRoles.Admin)));
        return builder;
    }
}
