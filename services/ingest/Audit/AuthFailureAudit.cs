using LogDapr.Contracts.Events;
using LogDapr.ServiceDefaults.Audit;
using Microsoft.AspNetCore.Http.Features;

namespace LogDapr.Ingest.Audit;

/// <summary>
/// Records ingest's API key and client-certificate failures: a request that presented a credential
/// (<see cref="PresentedCredential"/>) and was answered 401, or, on OTLP/gRPC, status UNAUTHENTICATED. One place for
/// every protocol, whichever part refused (the policy, the Elasticsearch routes' own check, the gRPC service).
/// Rate-limited by <see cref="AuthFailureLimiter"/> like the aggregator's, then sent by <see cref="AuditSender"/>.
/// </summary>
public sealed class AuthFailureAudit(AuthFailureLimiter limiter, AuditSender sender, IngestAuditMetrics metrics, TimeProvider time)
{
    private const int MaxAddressChars = 64;
    private const int MaxResourceChars = 1100;
    private const string GrpcUnauthenticated = "16";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        await next(context).ConfigureAwait(false);
        if (!Refused(context) || !PresentedCredential.Any(context))
        {
            return;
        }

        var address = Truncate(context.Connection.RemoteIpAddress?.ToString(), MaxAddressChars);
        if (!limiter.TryRecord(address ?? "unknown", out var suppressed))
        {
            metrics.Suppressed();
            return;
        }

        sender.Enqueue(new AuditMessage(Uuid7.New(time.GetUtcNow()), time.GetUtcNow(), AuditActors.Anonymous, AuditActions.AuthFailure, null,
            Truncate($"{context.Request.Method} {context.Request.Path}", MaxResourceChars), address, StatusCodes.Status401Unauthorized, suppressed));
    }

    private static bool Refused(HttpContext context)
    {
        if (context.Response.StatusCode == StatusCodes.Status401Unauthorized)
        {
            return true;
        }

        // gRPC answers 200 with the status in the trailers (or, for a call that fails before any message, in the headers).
        return context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true
            && (context.Response.Headers["grpc-status"].ToString() == GrpcUnauthenticated
                || context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers["grpc-status"].ToString() == GrpcUnauthenticated);
    }

    private static string? Truncate(string? text, int maxChars) => text is null || text.Length <= maxChars ? text : text[..maxChars];
}
