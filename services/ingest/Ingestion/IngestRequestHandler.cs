using System.Globalization;
using LogDapr.Configuration.Ingest;
using LogDapr.Ingest.Idempotency;
using LogDapr.Contracts.Events;
using LogDapr.Ingest.Intake;
using LogDapr.Ingest.Protocols.Otlp;
using LogDapr.Ingest.RateLimiting;
using LogDapr.ServiceDefaults.Auth;
using Microsoft.Extensions.Options;

namespace LogDapr.Ingest.Ingestion;

/// <summary>
/// One POST /v1/logs in LogEvent v1 JSON or NDJSON: media type, body read (<see cref="IntakeBodyReader"/>), a request
/// slot, then the shared <see cref="LogIntake"/>; renders its <see cref="IntakeOutcome"/> as 202 or ProblemDetails.
/// OTLP/HTTP shares the path: protobuf goes to <see cref="OtlpHttpHandler"/> at once, OTLP/JSON once the body shows it.
/// </summary>
internal sealed class IngestRequestHandler(LogIntake intake, IntakeBodyReader bodies, OtlpHttpHandler otlp, IOptions<IngestOptions> options)
{
    private readonly IngestOptions settings = options.Value;

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (OtlpHttpHandler.IsProtobuf(request.ContentType))
        {
            return await otlp.HandleAsync(context).ConfigureAwait(false);
        }

        var format = PayloadFormats.FromContentType(request.ContentType);
        if (format is null)
        {
            return IngestProblems.UnsupportedMediaType(request.ContentType);
        }

        if (PayloadFormats.UnsupportedCharset(request.ContentType) is { } charset)
        {
            return IngestProblems.UnsupportedCharset(charset);
        }

        var idempotencyKey = request.Headers[IdempotencyStore.HeaderName].ToString();
        if (request.Headers.ContainsKey(IdempotencyStore.HeaderName) && !IdempotencyStore.IsValidKey(idempotencyKey))
        {
            return IngestProblems.InvalidIdempotencyKey();
        }

        var (failure, read) = await bodies.ReadAsync(context).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure.Kind == BodyFailureKind.Overloaded ? Render(context, intake.Overloaded()) : BodyProblem(failure);
        }

        using var body = read!;
        using var slot = intake.TryTakeSlot();
        if (!slot.IsAcquired)
        {
            return Render(context, intake.Overloaded());
        }

        if (format == PayloadFormat.Json && OtlpJsonDetector.IsOtlp(body.Span))
        {
            return await otlp.HandleReadAsync(context, body, slot, idempotencyKey.Length > 0 ? idempotencyKey : null).ConfigureAwait(false);
        }

        var caller = context.ApiKey();
        var outcome = await intake.RunAsync(
            new IntakeRequest(IngestProtocol.Json, caller, LogIntake.RateLimitClient(context, caller), body.Memory, format.Value,
                request.ContentType, idempotencyKey.Length > 0 ? idempotencyKey : null) { Slot = slot },
            context.RequestAborted).ConfigureAwait(false);
        return Render(context, outcome);
    }

    private IResult BodyProblem(BodyFailure failure) => failure.Kind switch
    {
        BodyFailureKind.TooLarge => IngestProblems.BodyTooLarge(settings.MaxBodyBytes),
        BodyFailureKind.TimedOut => IngestProblems.BodyTimedOut(settings.MaxBodyReadTime),
        BodyFailureKind.TooSlow => IngestProblems.BodyTooSlow(failure.Detail),
        BodyFailureKind.UnsupportedEncoding => IngestProblems.UnsupportedEncoding(failure.Detail),
        BodyFailureKind.CorruptEncoding => IngestProblems.CorruptEncoding(failure.Detail),
        _ => IngestProblems.IncompleteBody(failure.Detail),
    };

    private IResult Render(HttpContext context, IntakeOutcome outcome)
    {
        var response = context.Response;
        if (outcome.RateLimit is { } decision)
        {
            WriteRateLimitHeaders(response, decision);
        }

        switch (outcome)
        {
            case IntakeOutcome.Accepted accepted:
                return TypedResults.Accepted((string?)null, accepted.Response);
            case IntakeOutcome.Replayed replay:
                response.Headers["Idempotent-Replayed"] = "true";
                return Results.Content(replay.Body, "application/json", statusCode: replay.Status);
            case IntakeOutcome.PayloadRefused refused:
                return IngestProblems.FromPayloadError(refused.Error, intake.Limits);
            case IntakeOutcome.NoValidEvents invalid:
                return IngestProblems.NoValidEvents(invalid.Rejected);
            case IntakeOutcome.ForbiddenTenant forbidden:
                return IngestProblems.ForbiddenTenant(forbidden.Rejected);
            case IntakeOutcome.KeyReused:
                return IngestProblems.IdempotencyKeyReused();
            case IntakeOutcome.RateLimited limited:
                if (!limited.Never)
                {
                    response.Headers.RetryAfter = Seconds(limited.RetryAfter);
                }

                return IngestProblems.RateLimited(limited.Cost, limited.Burst, limited.RetryAfter);
            case IntakeOutcome.RetryLater later:
                response.Headers.RetryAfter = Seconds(later.RetryAfter);
                return later.Reason switch
                {
                    RetryReason.Overloaded => IngestProblems.Overloaded(),
                    RetryReason.IdempotencyKeyInFlight => IngestProblems.IdempotencyKeyInFlight(),
                    RetryReason.IdempotencyStoreUnavailable => IngestProblems.Unavailable(later.Detail),
                    _ => IngestProblems.NotConfirmed(later.Detail, later.MessageIds ?? "random"),
                };
            default:
                throw new InvalidOperationException($"unknown intake outcome {outcome.GetType().Name}");
        }
    }

    internal static void WriteRateLimitHeaders(HttpResponse response, RateLimitDecision decision)
    {
        response.Headers["RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Remaining"] = ((long)Math.Floor(decision.Remaining)).ToString(CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Reset"] = Seconds(decision.ResetAfter);
        if (decision.Degraded)
        {
            response.Headers["RateLimit-Policy-Scope"] = "replica";
        }
    }

    private static string Seconds(TimeSpan span) => ((long)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
