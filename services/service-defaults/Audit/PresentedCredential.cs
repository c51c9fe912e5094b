using LogDapr.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http;

namespace LogDapr.ServiceDefaults.Audit;

/// <summary>
/// Whether a request presented a credential: an Authorization header with a value after its scheme (Bearer, Basic,
/// Elasticsearch's ApiKey), an X-API-Key header, or a client certificate. A refused request that presented one is an
/// authentication failure worth recording; one that presented none is not an attempt (a probe, a misconfigured
/// shipper without a key) and is not recorded.
/// </summary>
public static class PresentedCredential
{
    public static bool Any(HttpContext context)
    {
        if (context.Connection.ClientCertificate is not null)
        {
            return true;
        }

        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString().Trim();
        var space = authorization.IndexOf(' ', StringComparison.Ordinal);
        return (space > 0 && authorization.AsSpan(space + 1).Trim().Length > 0)
            || request.Headers[ApiKeyAuthenticationHandler.HeaderName].ToString().Trim().Length > 0;
    }
}
