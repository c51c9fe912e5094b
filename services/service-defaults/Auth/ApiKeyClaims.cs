using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace LogDapr.ServiceDefaults.Auth;

/// <summary>Carries an <see cref="ApiKeyPrincipal"/> through ASP.NET Core's ClaimsPrincipal.</summary>
public static class ApiKeyClaims
{
    private const string KeyId = "logdapr:key";
    private const string Tenant = "logdapr:tenant";
    private const string Roles = "logdapr:roles";

    public static ClaimsPrincipal ToClaimsPrincipal(ApiKeyPrincipal principal, string scheme)
    {
        var claims = new List<Claim>
        {
            new(KeyId, principal.KeyId),
            new(Roles, ((int)principal.Roles).ToString(CultureInfo.InvariantCulture)),
        };
        if (principal.Tenant is not null)
        {
            claims.Add(new Claim(Tenant, principal.Tenant));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    /// <summary>The authenticated caller; endpoints that require authorization always have one.</summary>
    public static ApiKeyPrincipal ApiKey(this HttpContext context)
    {
        var user = context.User;
        var id = user.FindFirst(KeyId)?.Value ?? throw new InvalidOperationException("The request was not authenticated with an API key.");
        var roles = (ApiKeyRoles)int.Parse(user.FindFirst(Roles)!.Value, CultureInfo.InvariantCulture);
        return new ApiKeyPrincipal(id, user.FindFirst(Tenant)?.Value, roles);
    }

    public static bool HasRole(ClaimsPrincipal user, ApiKeyRoles role)
        => int.TryParse(user.FindFirst(Roles)?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var roles) && ((ApiKeyRoles)roles).HasFlag(role);
}
