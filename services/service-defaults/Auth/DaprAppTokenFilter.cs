using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LogDapr.ServiceDefaults.Auth;

/// <summary>
/// Guards the routes only the Dapr sidecar should call (deliveries): when APP_API_TOKEN is set, as Dapr's
/// app-token feature sets it, a call without the matching <c>dapr-api-token</c> header is refused, so nothing
/// else on the network can inject messages. Without the variable (local runs) the routes are open.
/// </summary>
public sealed class DaprAppTokenFilter : IEndpointFilter
{
    public const string EnvironmentVariable = "APP_API_TOKEN";
    public const string HeaderName = "dapr-api-token";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = context.HttpContext.RequestServices.GetRequiredService<IConfiguration>()[EnvironmentVariable];
        if (!string.IsNullOrEmpty(expected))
        {
            var presented = context.HttpContext.Request.Headers[HeaderName].ToString();
            if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected))))
            {
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                    detail: "Only the Dapr sidecar may call this route.", type: Problems.ProblemTypes.Unauthorized);
            }
        }

        return await next(context).ConfigureAwait(false);
    }
}
