using System.Globalization;
using System.Text;
using LogDapr.Configuration.Ingest;
using LogDapr.Contracts.Events;
using LogDapr.Ingest.Backpressure;
using LogDapr.Ingest.Intake;
using LogDapr.Ingest.Observability;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.ServiceDefaults.Problems;
using Microsoft.Extensions.Options;

namespace LogDapr.Ingest.Protocols.Loki;

/// <summary>
/// POST /loki/api/v1/push: Loki's protobuf push (application/x-protobuf, a snappy block) or its JSON push
/// (application/json, gzip allowed), both mapped by <see cref="LokiEventWriter"/>. Answered as Loki's distributor
/// answers: 204; 400 with a plain-text reason (for a push with some invalid entries the valid ones are kept, as Loki
/// keeps them); 401/403; 413; 429 and 503 with
/// Retry-After so the shipper retries. The tenant is <c>X-Scope-OrgID</c> when the key may write it (an admin key, or
/// auth off: any tenant; a tenant key: only its own, else 403 for the whole push), else the key's tenant
/// (with auth off, Ingest:DefaultTenant; an admin key without the header gets 400 naming tenant_id). Every refusal,
/// before the intake or by it, is counted in logdapr.ingest.requests.rejected with the JSON API's reason.
/// </summary>
internal static class LokiPushEndpoint
{
    public const string Route = "/loki/api/v1/push";
    public const string TenantHeader = "X-Scope-OrgID";

    /// <summary>Transcoded NDJSON may be this many times Ingest:MaxBodyBytes: labels repeat on every entry.</summary>
    public const int NdjsonAllowance = 4;

    public static RouteHandlerBuilder MapLokiPush(this IEndpointRouteBuilder app) => app
        .MapPost(Route, (HttpContext context, IntakeBodyReader bodies, LogIntake intake, BodyBudget budget, IngestMetrics metrics, IOptions<IngestOptions> options)
            => HandleAsync(context, bodies, intake, budget, metrics, options.Value))
        .RequireAuthorization(AuthPolicies.Write)
        .ExcludeFromDescription();

    private static async Task<IResult> HandleAsync(HttpContext context, IntakeBodyReader bodies, LogIntake intake, BodyBudget budget, IngestMetrics metrics,
        IngestOptions options)
    {
        IResult Refuse(int status, string body, string problemType)
        {
            metrics.RequestRejected(RequestRejections.Of(problemType), IngestProtocol.Loki);
            return Text(status, body);
        }

        IResult Answer(IntakeOutcome outcome)
        {
            if (outcome.RejectionReason is { } reason)
            {
                metrics.RequestRejected(reason, IngestProtocol.Loki);
            }

            return Render(context, outcome);
        }

        var contentType = context.Request.ContentType ?? "";
        var protobuf = contentType.StartsWith("application/x-protobuf", StringComparison.OrdinalIgnoreCase);
        if (!protobuf && !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(StatusCodes.Status415UnsupportedMediaType,
                $"unsupported Content-Type {contentType}: this endpoint takes Loki's protobuf push (application/x-protobuf, snappy-compressed) or its JSON push (application/json)",
                ProblemTypes.UnsupportedMediaType);
        }

        if (protobuf && context.Request.Headers.ContentEncoding.ToString().Equals("snappy", StringComparison.OrdinalIgnoreCase))
        {
            // Some shippers name the snappy block in Content-Encoding; it is the protobuf push's own compression, decoded below.
            context.Request.Headers.ContentEncoding = default;
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
            return Refuse(StatusCodes.Status403Forbidden, $"this API key may not write the tenant named in {TenantHeader}", ProblemTypes.Forbidden);
        }

        var (failure, read) = await bodies.ReadAsync(context).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure.Kind switch
            {
                BodyFailureKind.Overloaded => Answer(intake.Overloaded()),
                BodyFailureKind.TooLarge => Refuse(StatusCodes.Status413PayloadTooLarge, "request body too large", ProblemTypes.PayloadTooLarge),
                BodyFailureKind.UnsupportedEncoding => Refuse(StatusCodes.Status415UnsupportedMediaType, $"unsupported Content-Encoding {failure.Detail}",
                    ProblemTypes.UnsupportedMediaType),
                BodyFailureKind.TimedOut or BodyFailureKind.TooSlow => Refuse(StatusCodes.Status400BadRequest,
                    $"request body not read: {failure.Kind} {failure.Detail}".TrimEnd(), ProblemTypes.RequestTimeout),
                _ => Refuse(StatusCodes.Status400BadRequest, $"request body not read: {failure.Kind} {failure.Detail}".TrimEnd(), ProblemTypes.MalformedPayload),
            };
        }

        using var body = read!;
        // The tenant the events will have when the header names none, for their ids (LokiEventIds): the same caller's
        // retry derives the same ids; an admin key without the header is refused by the intake anyway.
        var idTenant = tenant ?? (caller == ApiKeyPrincipal.AuthDisabled ? options.DefaultTenant : caller.Tenant) ?? "";
        var maxNdjsonBytes = (int)Math.Min(int.MaxValue - 1L, (long)options.MaxBodyBytes * NdjsonAllowance);
        LokiDecoded decoded;
        if (protobuf)
        {
            var status = LokiSnappy.Decompress(body.Span, options.MaxBodyBytes, budget, out var message, out var snappyError);
            switch (status)
            {
                case LokiSnappy.Status.OverBudget:
                    return Answer(intake.Overloaded());
                case LokiSnappy.Status.TooLarge:
                    return Refuse(StatusCodes.Status413PayloadTooLarge, snappyError!, ProblemTypes.PayloadTooLarge);
                case LokiSnappy.Status.Invalid:
                    return Refuse(StatusCodes.Status400BadRequest, snappyError!, ProblemTypes.MalformedPayload);
            }

            using (message)
            {
                decoded = LokiProtobufDecoder.Decode(message!.Memory, tenant, idTenant, maxNdjsonBytes);
            }
        }
        else
        {
            decoded = LokiJsonDecoder.Decode(body.Memory, tenant, idTenant, maxNdjsonBytes);
        }

        if (decoded.Error is { } error)
        {
            return Refuse(decoded.Status, error, decoded.Status == StatusCodes.Status413PayloadTooLarge ? ProblemTypes.PayloadTooLarge : ProblemTypes.MalformedPayload);
        }

        if (decoded.Entries == 0)
        {
            return Results.NoContent();
        }

        using var slot = intake.TryTakeSlot();
        if (!slot.IsAcquired)
        {
            return Answer(intake.Overloaded());
        }

        var outcome = await intake.RunAsync(
            new IntakeRequest(IngestProtocol.Loki, caller, LogIntake.RateLimitClient(context, caller), decoded.Ndjson, PayloadFormat.Ndjson,
                protobuf ? "loki+protobuf" : "loki+json", null) { Slot = slot },
            context.RequestAborted).ConfigureAwait(false);
        return Answer(outcome);
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
