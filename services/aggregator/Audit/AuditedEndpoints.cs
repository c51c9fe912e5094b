using LogDapr.ServiceDefaults.Audit;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace LogDapr.Aggregator.Audit;

/// <summary>
/// The one-line hooks that audit an endpoint. Each audited request leaves exactly one record: the handler's change
/// statement writes it (<see cref="AuditScope.MarkRecorded"/>), or else this filter does, with the status the caller
/// gets; a refused caller's record is written by <see cref="AuditAuthorizationResultHandler"/>, before any handler runs.
/// </summary>
public static class AuditedEndpoints
{
    /// <summary>
    /// A read of tenant data: audited when the caller is not restricted to one tenant (an admin key), one record per
    /// request, tenant = the request's <c>tenant</c> parameter (none: all tenants). The record is written before the
    /// answer is sent; when it cannot be written the caller gets a 503 instead of the data (no unaudited admin read).
    /// </summary>
    public static RouteHandlerBuilder AuditedAdminRead(this RouteHandlerBuilder builder)
    {
        var metadata = new AuditedMetadata(AuditActions.TenantDataRead, TenantParameter, AuditScope.Request);
        return builder.WithMetadata(metadata).AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            if (context.ApiKey().Tenant is not null)
            {
                return await next(invocation).ConfigureAwait(false);
            }

            var scope = AuditScope.Open(context, metadata.Action, metadata.Tenant(context), metadata.Resource(context));
            var result = await RunAsync(invocation, next, scope).ConfigureAwait(false);
            try
            {
                await context.RequestServices.GetRequiredService<AuditWriter>().WriteAsync(scope.Entry(StatusOf(result)), context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                return TypedResults.Problem(new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Type = ProblemTypes.SinkUnavailable,
                    Title = "Audit unavailable",
                    Detail = "An admin read of tenant data is answered only once its audit record is written, and it could not be.",
                });
            }

            return result;
        });
    }

    /// <summary>An operation that changes something (or would): every call is recorded, whatever its outcome.</summary>
    public static RouteHandlerBuilder Audited(this RouteHandlerBuilder builder, string action, Func<HttpContext, string?> resource, Func<HttpContext, string?>? tenant = null)
    {
        var metadata = new AuditedMetadata(action, tenant ?? (_ => null), resource);
        return builder.WithMetadata(metadata).AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            var scope = AuditScope.Open(context, metadata.Action, metadata.Tenant(context), metadata.Resource(context));
            var result = await RunAsync(invocation, next, scope).ConfigureAwait(false);
            if (!scope.Recorded)
            {
                // The operation ran (or was refused) whatever happens to its record: a lost record is logged and counted.
                await context.RequestServices.GetRequiredService<AuditWriter>().TryWriteAsync(scope.Entry(StatusOf(result)), CancellationToken.None).ConfigureAwait(false);
            }

            return result;
        });
    }

    /// <summary>The request's <c>tenant</c> query parameter, as given (bounded when stored).</summary>
    public static string? TenantParameter(HttpContext context)
        => context.Request.Query.TryGetValue("tenant", out var values) && values.Count > 0 ? values.ToString() : null;

    /// <summary>The status a handler's result answers with; a result that does not say (a stream) answers 200.</summary>
    public static int StatusOf(object? result)
    {
        while (result is INestedHttpResult nested)
        {
            result = nested.Result;
        }

        return result is IStatusCodeHttpResult { StatusCode: { } status } ? status : StatusCodes.Status200OK;
    }

    private static async ValueTask<object?> RunAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next, AuditScope scope)
    {
        try
        {
            return await next(invocation).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The exception handler answers (503 for an unavailable database); the record says the operation failed.
            if (!scope.Recorded)
            {
                await invocation.HttpContext.RequestServices.GetRequiredService<AuditWriter>()
                    .TryWriteAsync(scope.Entry(StatusCodes.Status500InternalServerError), CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }
    }
}
