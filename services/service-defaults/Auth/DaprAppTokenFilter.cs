using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace LogDapr.ServiceDefaults.Auth;

/// <summary>
/// Guards the routes only the Dapr sidecar may call (deliveries): a call without the <c>dapr-api-token</c> header
/// that matches <c>APP_API_TOKEN</c> (Dapr's app-token feature gives the token to the sidecar and the app) is
/// refused with 401 before its body is read, so nothing else on the network can inject messages. Without a token
/// the routes are closed too, unless the app was explicitly told to run them open.
/// </summary>
public sealed class DaprAppTokenFilter : IEndpointFilter
{
    public const string EnvironmentVariable = "APP_API_TOKEN";
    public const string HeaderName = "dapr-api-token";

    private readonly byte[]? expectedHash;
    private readonly bool allowUnauthenticated;

    /// <param name="expectedToken">The token the sidecar sends; null or empty when none is configured.</param>
    /// <param name="allowUnauthenticated">Without a token, let every caller in (an explicit, logged choice).</param>
    public DaprAppTokenFilter(string? expectedToken, bool allowUnauthenticated)
    {
        expectedHash = string.IsNullOrEmpty(expectedToken) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(expectedToken));
        this.allowUnauthenticated = allowUnauthenticated;
    }

    /// <summary>How the routes are guarded, for the start-up log line.</summary>
    public DaprRouteProtection Protection => expectedHash is not null
        ? DaprRouteProtection.Token
        : allowUnauthenticated ? DaprRouteProtection.Open : DaprRouteProtection.Closed;

    /// <summary>Reads <c>APP_API_TOKEN</c> and the boolean setting <paramref name="allowUnauthenticatedKey"/> (default false).</summary>
    public static DaprAppTokenFilter FromConfiguration(IConfiguration configuration, string allowUnauthenticatedKey)
        => new(configuration[EnvironmentVariable], configuration.GetValue(allowUnauthenticatedKey, defaultValue: false));

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!IsAllowed(context.HttpContext.Request))
        {
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: expectedHash is null
                    ? "No app token is configured (APP_API_TOKEN), so this app accepts no calls on its Dapr routes."
                    : "Only the Dapr sidecar may call this route.",
                type: Problems.ProblemTypes.Unauthorized);
        }

        return await next(context).ConfigureAwait(false);
    }

    private bool IsAllowed(HttpRequest request)
    {
        if (expectedHash is null)
        {
            return allowUnauthenticated;
        }

        var presented = request.Headers[HeaderName].ToString();
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), expectedHash);
    }
}

public enum DaprRouteProtection
{
    /// <summary>Only calls with the app token get in.</summary>
    Token,

    /// <summary>No token configured and running open was explicitly allowed: anyone who reaches the port gets in.</summary>
    Open,

    /// <summary>No token configured: every call is refused.</summary>
    Closed,
}
