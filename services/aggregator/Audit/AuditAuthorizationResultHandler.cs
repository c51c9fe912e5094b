using LogDapr.ServiceDefaults.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace LogDapr.Aggregator.Audit;

/// <summary>
/// Records what authorization refuses before any endpoint code runs: a key without the role an audited operation
/// needs (403, the operation's action, outcome denied), and a presented API key that does not authenticate (401,
/// action auth.failure, actor anonymous, rate-limited by <see cref="AuthFailureLimiter"/>), or a client certificate that
/// does not authenticate (Tls:ClientCertificates Optional: another CA, or no tenant). A request without any key or
/// certificate is not an authentication attempt and is not recorded. Then answers as ASP.NET Core's default handler does.
/// </summary>
public sealed class AuditAuthorizationResultHandler(AuditWriter writer, AuthFailureLimiter limiter, AuditMetrics metrics) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler standard = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && context.GetEndpoint()?.Metadata.GetMetadata<AuditedMetadata>() is { } audited)
        {
            var scope = AuditScope.Open(context, audited.Action, audited.Tenant(context), audited.Resource(context));
            await writer.TryWriteAsync(scope.Entry(StatusCodes.Status403Forbidden), CancellationToken.None).ConfigureAwait(false);
        }
        else if (authorizeResult.Challenged && PresentedCredential.Any(context))
        {
            var address = AuditScope.RemoteAddress(context);
            if (!limiter.TryRecord(address ?? "unknown", out var suppressed))
            {
                metrics.Suppressed();
            }
            else
            {
                await writer.TryWriteAsync(new AuditEntry(AuditScope.Anonymous, AuditActions.AuthFailure, null, AuditScope.Request(context), address,
                    StatusCodes.Status401Unauthorized, suppressed), CancellationToken.None).ConfigureAwait(false);
            }
        }

        await standard.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
    }
}
