using System.Globalization;
using System.Text;
using LogDapr.Contracts.Events;
using LogDapr.Ingest.Intake;
using LogDapr.ServiceDefaults.Auth;

namespace LogDapr.Ingest.Protocols.Loki;

/// <summary>
/// POST /loki/api/v1/push, answered as Loki's distributor answers: 204; 400 with a plain-text reason (for a push
/// with some invalid entries the valid ones are kept, as Loki keeps them); 401/403; 413; 429 and 503 with
/// Retry-After so the shipper retries. The tenant is <c>X-Scope-OrgID</c> when the key may write it (an admin key, or
/// auth off: any tenant; a tenant key: only its own, else 403 for the whole push), else the key's tenant
/// (with auth off, Ingest:DefaultTenant; an admin key without the header gets 400 naming tenant_id).
/// </summary>
internal static class LokiPushEndpoint
{
    public const string Route = "/loki/api/v1/push";
    public const string TenantHeader = "X-Scope-OrgID";

    public static RouteHandlerBuilder MapLokiPush(this IEndpointRouteBuilder app) => app
        .MapPost(Route, (HttpContext context, IntakeBodyReader bodies, LogIntake intake) => HandleAsync(context, bodies, intake))
        .RequireAuthorization(AuthPolicies.Write)
        .ExcludeFromDescription();

    private static async Task<IResult> HandleAsync(HttpContext context, IntakeBodyReader bodies, LogIntake intake)
    {
        var contentType = context.Request.ContentType ?? "";
        if (!contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Text(StatusCodes.Status415UnsupportedMediaType,
                $"unsupported Content-Type {contentType}: this endpoint takes the JSON push format (application/json); protobuf is not supported yet");
        }

        var caller = context.ApiKey();
        var requested = context.Request.Headers[TenantHeader].ToString();
        string? tenant;
        if (requested.Length == 0)
        {
            // The intake fills in the key's tenant, or Ingest:DefaultTenant with auth off; an admin key must name one.
            tenant = null;
        }
        else if (caller.Tenant is null || caller.Tenant == requested)
        {
            tenant = requested;
        }
        else
        {
            return Text(StatusCodes.Status403Forbidden, $"this API key may not write the tenant named in {TenantHeader}");
        }

        var (failure, read) = await bodies.ReadAsync(context).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure.Kind switch
            {
                BodyFailureKind.Overloaded => Render(context, intake.Overloaded()),
                BodyFailureKind.TooLarge => Text(StatusCodes.Status413PayloadTooLarge, "request body too large"),
                BodyFailureKind.UnsupportedEncoding => Text(StatusCodes.Status415UnsupportedMediaType, $"unsupported Content-Encoding {failure.Detail}"),
                _ => Text(StatusCodes.Status400BadRequest, $"request body not read: {failure.Kind} {failure.Detail}".TrimEnd()),
            };
        }

        using var body = read!;
        var ndjson = LokiJsonDecoder.Decode(body.Memory, tenant, out var entries, out var error);
        if (ndjson is null)
        {
            return Text(StatusCodes.Status400BadRequest, error!);
        }

        if (entries == 0)
        {
            return Results.NoContent();
        }

        using var slot = intake.TryTakeSlot();
        if (!slot.IsAcquired)
        {
            return Render(context, intake.Overloaded());
        }

        var outcome = await intake.RunAsync(
            new IntakeRequest(IngestProtocol.Loki, caller, LogIntake.RateLimitClient(context, caller), ndjson, PayloadFormat.Ndjson, "loki+json", null),
            context.RequestAborted).ConfigureAwait(false);
        return Render(context, outcome);
    }

    private static IResult Render(HttpContext context, IntakeOutcome outcome)
    {
        switch (outcome)
        {
            case IntakeOutcome.Accepted { Response.RejectedTotal: 0 }:
            case IntakeOutcome.Replayed:
                return Results.NoContent();
            case IntakeOutcome.Accepted accepted:
                return Text(StatusCodes.Status400BadRequest, Rejections(accepted.Response.Rejected, accepted.Response.RejectedTotal, accepted.Response.Accepted));
            case IntakeOutcome.NoValidEvents invalid:
                return Text(StatusCodes.Status400BadRequest, Rejections(invalid.Rejected.Details, invalid.Rejected.Total, 0));
            case IntakeOutcome.ForbiddenTenant:
                return Text(StatusCodes.Status403Forbidden, "this API key may not write this tenant");
            case IntakeOutcome.PayloadRefused refused:
                return Text(refused.Error.Kind == PayloadErrorKind.TooManyEvents ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest,
                    refused.Error.Message);
            case IntakeOutcome.RateLimited limited:
                if (limited.Never)
                {
                    return Text(StatusCodes.Status413PayloadTooLarge, $"push of {limited.Cost} entries is larger than the rate-limit burst of {limited.Burst}: send smaller batches");
                }

                context.Response.Headers.RetryAfter = Seconds(limited.RetryAfter);
                return Text(StatusCodes.Status429TooManyRequests, $"ingestion rate limit exceeded while adding {limited.Cost} lines");
            case IntakeOutcome.RetryLater later:
                context.Response.Headers.RetryAfter = Seconds(later.RetryAfter);
                return Text(StatusCodes.Status503ServiceUnavailable, later.Detail);
            default:
                return Text(StatusCodes.Status400BadRequest, "request refused");
        }
    }

    private static string Rejections(IReadOnlyList<RejectedEvent> details, int total, int accepted)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{total} entries rejected, {accepted} accepted");
        foreach (var rejected in details)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nentry {rejected.Index}: ");
            text.AppendJoin("; ", rejected.Errors.Select(e => $"{e.Field}: {e.Message}"));
        }

        return text.ToString();
    }

    private static IResult Text(int status, string body) => Results.Text(body + "\n", "text/plain; charset=utf-8", Encoding.UTF8, status);

    private static string Seconds(TimeSpan span) => ((long)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
