using System.Diagnostics;
using LogDapr.Contracts.Events;
using LogDapr.Ingest.Idempotency;
using LogDapr.Ingest.Intake;
using LogDapr.Ingest.Observability;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.ServiceDefaults.Problems;
using Microsoft.Net.Http.Headers;

namespace LogDapr.Ingest.Protocols.Elasticsearch;

/// <summary>
/// POST /_bulk and POST /{index}/_bulk through the shared edge (<see cref="LogIntake"/>: validation, tenant check,
/// Idempotency-Key, rate limit in events, publish), answered as Elasticsearch answers: 200 with a result per item.
/// What refuses the whole request is a whole-request status with Elasticsearch's error body: 400 for a malformed
/// action line, 401/403, 413, and the retryable 429 (rate limit, replica overloaded) and 503 (publish not confirmed)
/// with Retry-After. A whole-request status, not a per-item 429, because Fluent Bit, Vector, Filebeat and Logstash
/// all retry a whole request on 429 and 5xx by default, while per-item 429s are retried only by some of them (Vector
/// only with request_retry_partial); and the intake accepts or refuses a request's valid events together anyway.
/// </summary>
internal sealed class ElasticsearchBulkHandler(LogIntake intake, IntakeBodyReader bodies, LogEventReader reader, ApiKeyStore keys, IngestMetrics metrics)
{
    private static readonly string[] MediaTypes =
        ["application/x-ndjson", "application/json", "application/vnd.elasticsearch+x-ndjson", "application/vnd.elasticsearch+json"];

    public async Task<IResult> HandleAsync(HttpContext context, string? urlIndex)
    {
        var started = Stopwatch.GetTimestamp();
        if (Authorize(context, keys, ApiKeyRoles.Write, out var caller) is { } refused)
        {
            return Refuse(refused, ProblemTypes.Unauthorized);
        }

        var contentType = context.Request.ContentType;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media)
            || !MediaTypes.Contains(media.MediaType.Value, StringComparer.OrdinalIgnoreCase))
        {
            // Elasticsearch answers an unsupported Content-Type with 406.
            return Refuse(new BulkError(StatusCodes.Status406NotAcceptable, "media_type_header_exception",
                $"Content-Type header [{contentType}] is not supported: send application/x-ndjson"), ProblemTypes.UnsupportedMediaType);
        }

        string? idempotencyKey = null;
        if (context.Request.Headers.ContainsKey(IdempotencyStore.HeaderName))
        {
            idempotencyKey = context.Request.Headers[IdempotencyStore.HeaderName].ToString();
            if (!IdempotencyStore.IsValidKey(idempotencyKey))
            {
                return Refuse(BulkError.BadRequest("illegal_argument_exception", "Idempotency-Key must be 1 to 255 printable ASCII characters"),
                    ProblemTypes.InvalidEvents);
            }
        }

        var (failure, read) = await bodies.ReadAsync(context).ConfigureAwait(false);
        if (failure is not null)
        {
            return BodyRefused(failure);
        }

        using var body = read!;
        using var slot = intake.TryTakeSlot();
        if (!slot.IsAcquired)
        {
            return Overloaded();
        }

        var bulk = BulkDecoder.Decode(body.Memory, urlIndex, reader.Mapping, reader.Limits.MaxEventsPerBatch);
        if (bulk.Error is { } malformed)
        {
            return Refuse(malformed, malformed.Status == StatusCodes.Status413PayloadTooLarge ? ProblemTypes.PayloadTooLarge : ProblemTypes.MalformedPayload);
        }

        if (bulk.Lines == 0)
        {
            // Every item failed before the intake: nothing to publish, each item says why.
            return new ElasticsearchResult(StatusCodes.Status200OK, BulkAnswer.Render(bulk.Items, new Dictionary<int, IReadOnlyList<FieldError>>(), Took(started)));
        }

        var outcome = await intake.RunAsync(
            new IntakeRequest(IngestProtocol.Elasticsearch, caller!, LogIntake.RateLimitClient(context, caller!), bulk.Ndjson, PayloadFormat.Ndjson,
                "elasticsearch+bulk", idempotencyKey, EveryRejection: true) { Slot = slot },
            context.RequestAborted).ConfigureAwait(false);
        if (outcome.RejectionReason is { } reason)
        {
            metrics.RequestRejected(reason, IngestProtocol.Elasticsearch);
        }

        return outcome switch
        {
            IntakeOutcome.Accepted accepted => Items(bulk, BulkAnswer.ByLine(accepted.Response.Rejected), started),
            IntakeOutcome.NoValidEvents invalid => Items(bulk, BulkAnswer.ByLine(invalid.Rejected.Details), started),
            IntakeOutcome.ForbiddenTenant forbidden => Items(bulk, BulkAnswer.ByLine(forbidden.Rejected.Details), started),
            IntakeOutcome.Replayed replayed => Replay(bulk, replayed, started),
            _ => Render(outcome),
        };
    }

    /// <summary>
    /// The caller, or the refusal: 401 with Elasticsearch's challenge when no valid key was presented, 403 when the
    /// key lacks <paramref name="role"/>.
    /// </summary>
    public static BulkError? Authorize(HttpContext context, ApiKeyStore keys, ApiKeyRoles role, out ApiKeyPrincipal? caller)
    {
        caller = ElasticsearchAuth.Caller(context, keys);
        if (caller is null)
        {
            return new BulkError(StatusCodes.Status401Unauthorized, "security_exception",
                $"missing or invalid authentication credentials for REST request [{context.Request.Path}]: send the LogDapr API key as the Basic auth password, "
                + "as Authorization: ApiKey base64(id:key), Bearer, or X-API-Key");
        }

        return role == ApiKeyRoles.None || caller.Roles.HasFlag(role)
            ? null
            : new BulkError(StatusCodes.Status403Forbidden, "security_exception",
                $"action [{context.Request.Path}] is unauthorized for this API key: it lacks the {role.ToString().ToLowerInvariant()} role");
    }

    private IResult Refuse(BulkError error, string problemType, TimeSpan? retryAfter = null)
    {
        metrics.RequestRejected(RequestRejections.Of(problemType), IngestProtocol.Elasticsearch);
        return ElasticsearchResult.Error(error, retryAfter);
    }

    private static IResult Items(BulkRequest bulk, IReadOnlyDictionary<int, IReadOnlyList<FieldError>> rejected, long started)
        => new ElasticsearchResult(StatusCodes.Status200OK, BulkAnswer.Render(bulk.Items, rejected, Took(started)));

    private IResult Replay(BulkRequest bulk, IntakeOutcome.Replayed replayed, long started)
    {
        metrics.Duplicate(bulk.Lines - BulkAnswer.ByLine(replayed.Body).Count, IngestProtocol.Elasticsearch);
        return Items(bulk, BulkAnswer.ByLine(replayed.Body), started);
    }

    private IResult BodyRefused(BodyFailure failure) => failure.Kind switch
    {
        BodyFailureKind.Overloaded => Overloaded(),
        BodyFailureKind.TooLarge => Refuse(new BulkError(StatusCodes.Status413PayloadTooLarge, "content_too_long_exception",
            "the bulk request is larger than Ingest:MaxBodyBytes (after decompression): send smaller bulks"), ProblemTypes.PayloadTooLarge),
        BodyFailureKind.TimedOut or BodyFailureKind.TooSlow => Refuse(new BulkError(StatusCodes.Status408RequestTimeout, "timeout_exception",
            "the request body arrived too slowly; nothing was accepted"), ProblemTypes.RequestTimeout),
        BodyFailureKind.UnsupportedEncoding => Refuse(new BulkError(StatusCodes.Status415UnsupportedMediaType, "illegal_argument_exception",
            $"Content-Encoding [{failure.Detail}] is not supported: send identity or gzip"), ProblemTypes.UnsupportedMediaType),
        BodyFailureKind.CorruptEncoding => Refuse(BulkError.BadRequest("parse_exception", $"the body is not valid {failure.Detail} data"), ProblemTypes.MalformedPayload),
        _ => Refuse(BulkError.BadRequest("parse_exception", $"the request body ended before it was complete {failure.Detail}".TrimEnd()), ProblemTypes.MalformedPayload),
    };

    private IResult Overloaded()
    {
        var overloaded = intake.Overloaded();
        metrics.RequestRejected(overloaded.RejectionReason!, IngestProtocol.Elasticsearch);
        return Render(overloaded);
    }

    /// <summary>A whole-request refusal from the intake, in Elasticsearch's error shape (counted by the caller).</summary>
    private static IResult Render(IntakeOutcome outcome)
    {
        switch (outcome)
        {
            case IntakeOutcome.RateLimited { Never: true } limited:
                return ElasticsearchResult.Error(new BulkError(StatusCodes.Status413PayloadTooLarge, "illegal_argument_exception",
                    $"a bulk of {limited.Cost} documents is larger than the rate-limit burst of {limited.Burst}: send smaller bulks"));
            case IntakeOutcome.RateLimited limited:
                return ElasticsearchResult.Error(new BulkError(StatusCodes.Status429TooManyRequests, "es_rejected_execution_exception",
                    $"rate limit exceeded for this API key while adding {limited.Cost} documents; nothing was accepted, retry later"), limited.RetryAfter);
            case IntakeOutcome.RetryLater { Reason: RetryReason.Overloaded or RetryReason.IdempotencyKeyInFlight } later:
                return ElasticsearchResult.Error(new BulkError(StatusCodes.Status429TooManyRequests, "es_rejected_execution_exception",
                    later.Detail + " Retry later."), later.RetryAfter);
            case IntakeOutcome.RetryLater later:
                return ElasticsearchResult.Error(new BulkError(StatusCodes.Status503ServiceUnavailable, "unavailable_shards_exception",
                    $"the events were not confirmed ({later.Detail}); retry the same bulk, documents with an _id are counted once"), later.RetryAfter);
            case IntakeOutcome.KeyReused:
                return ElasticsearchResult.Error(new BulkError(StatusCodes.Status422UnprocessableEntity, "illegal_argument_exception",
                    "this Idempotency-Key was used before with a different request"));
            case IntakeOutcome.PayloadRefused { Error.Kind: PayloadErrorKind.TooManyEvents } refused:
                return ElasticsearchResult.Error(new BulkError(StatusCodes.Status413PayloadTooLarge, "illegal_argument_exception", refused.Error.Message));
            case IntakeOutcome.PayloadRefused refused:
                return ElasticsearchResult.Error(BulkError.BadRequest("parse_exception", refused.Error.Message));
            default:
                return ElasticsearchResult.Error(BulkError.BadRequest("illegal_argument_exception", "request refused"));
        }
    }

    private static long Took(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
