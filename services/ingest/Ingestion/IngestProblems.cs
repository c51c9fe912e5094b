using LogDapr.Contracts.Events;
using LogDapr.Ingest.Intake;
using LogDapr.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace LogDapr.Ingest.Ingestion;

/// <summary>The RFC 9457 answers of POST /v1/logs. Each names what was wrong and, for limits, which setting.</summary>
internal static class IngestProblems
{
    /// <summary>Every problem type POST /v1/logs answers with (401 and 403 for roles come from authentication).</summary>
    public static readonly string[] Types =
    [
        ProblemTypes.UnsupportedMediaType, ProblemTypes.MalformedPayload, ProblemTypes.PayloadTooLarge, ProblemTypes.InvalidEvents,
        ProblemTypes.RequestTimeout, ProblemTypes.Forbidden, ProblemTypes.RateLimited, ProblemTypes.Overloaded,
        ProblemTypes.PublishUnavailable, ProblemTypes.IdempotencyKeyReused, ProblemTypes.IdempotencyKeyInFlight,
    ];

    public static ProblemHttpResult UnsupportedMediaType(string? contentType) => Problem(
        StatusCodes.Status415UnsupportedMediaType,
        ProblemTypes.UnsupportedMediaType,
        "Unsupported media type",
        $"Content-Type '{contentType ?? "(none)"}' is not accepted; send {string.Join(", ", PayloadFormats.Accepted)}.");

    public static ProblemHttpResult UnsupportedCharset(string charset) => Problem(
        StatusCodes.Status415UnsupportedMediaType,
        ProblemTypes.UnsupportedMediaType,
        "Unsupported charset",
        $"charset '{charset}' is not accepted; the body must be UTF-8 (charset=utf-8, or none).");

    public static ProblemHttpResult UnsupportedEncoding(string encoding) => Problem(
        StatusCodes.Status415UnsupportedMediaType,
        ProblemTypes.UnsupportedMediaType,
        "Unsupported content encoding",
        $"Content-Encoding '{encoding}' is not accepted; send identity or gzip.");

    public static ProblemHttpResult CorruptEncoding(string encoding) => Problem(
        StatusCodes.Status400BadRequest,
        ProblemTypes.MalformedPayload,
        "Corrupt compressed body",
        $"The body is not valid {encoding} data.");

    public static ProblemHttpResult BodyTooLarge(int maxBytes) => Problem(
        StatusCodes.Status413PayloadTooLarge,
        ProblemTypes.PayloadTooLarge,
        "Payload too large",
        $"The request body exceeds {maxBytes} bytes (limit Ingest:MaxBodyBytes, applied after decompression).",
        ("limit", "Ingest:MaxBodyBytes"),
        ("limitValue", maxBytes));

    public static ProblemHttpResult BodyTimedOut(TimeSpan limit) => Problem(
        StatusCodes.Status408RequestTimeout,
        ProblemTypes.RequestTimeout,
        "Request body too slow",
        $"The request body did not arrive within {limit.TotalSeconds:0.###}s (limit Ingest:MaxBodyReadTime); nothing was accepted.",
        ("limit", "Ingest:MaxBodyReadTime"),
        ("limitValue", limit.ToString("c", System.Globalization.CultureInfo.InvariantCulture)));

    public static ProblemHttpResult BodyTooSlow(string reason) => Problem(
        StatusCodes.Status408RequestTimeout,
        ProblemTypes.RequestTimeout,
        "Request body too slow",
        $"The request body arrived too slowly ({reason}); nothing was accepted.");

    public static ProblemHttpResult IncompleteBody(string reason) => Problem(
        StatusCodes.Status400BadRequest,
        ProblemTypes.MalformedPayload,
        "Incomplete request body",
        $"The request body ended before it was complete ({reason}); nothing was accepted.");

    public static ProblemHttpResult FromPayloadError(PayloadError error, LogEventLimits limits) => error.Kind switch
    {
        PayloadErrorKind.TooManyEvents => Problem(
            StatusCodes.Status413PayloadTooLarge,
            ProblemTypes.PayloadTooLarge,
            "Too many events",
            error.Message,
            ("limit", "Ingest:MaxEventsPerBatch"),
            ("limitValue", limits.MaxEventsPerBatch)),
        PayloadErrorKind.Empty => Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidEvents, "No events", error.Message),
        _ => Problem(StatusCodes.Status400BadRequest, ProblemTypes.MalformedPayload, "Malformed payload", error.Message),
    };

    public static ProblemHttpResult NoValidEvents(RejectionSummary rejected) => Problem(
        StatusCodes.Status400BadRequest,
        ProblemTypes.InvalidEvents,
        "No valid events",
        rejected.Total == 1
            ? $"The event is invalid: {Summarize(rejected.Details[0])}"
            : $"All {rejected.Total} events are invalid; see 'rejected' for "
                + (rejected.Details.Count < rejected.Total ? $"the first {rejected.Details.Count} and 'rejected_by_field' for all." : "each one."),
        Rejections(rejected));

    /// <summary>Nothing of the request was published (the check before the publish failed).</summary>
    public static ProblemHttpResult Unavailable(string reason) => Problem(
        StatusCodes.Status503ServiceUnavailable,
        ProblemTypes.PublishUnavailable,
        "Pipeline unavailable",
        $"Nothing from this request was published: {reason}. Retry after the delay in Retry-After.");

    /// <summary>
    /// The publish was not confirmed; some of it may have reached the broker. Whether a retry is counted once depends
    /// on how the messages got their ids (see <see cref="Publishing.MessageIdScheme"/>).
    /// </summary>
    public static ProblemHttpResult NotConfirmed(string reason, string messageIds) => Problem(
        StatusCodes.Status503ServiceUnavailable,
        ProblemTypes.PublishUnavailable,
        "Publish not confirmed",
        $"The pipeline did not confirm this request ({reason}); part of it may have reached the broker. " + messageIds switch
        {
            "idempotency_key" => "Retry it unchanged with the same Idempotency-Key after the delay in Retry-After: it is counted exactly once.",
            "event_ids" => "Retry it unchanged (the same events with the same ids) after the delay in Retry-After: it is counted exactly once.",
            _ => "A retry may count some events twice; send an Idempotency-Key, or an id on every event, to make retries safe.",
        },
        ("message_ids", messageIds));

    public static ProblemHttpResult ForbiddenTenant(RejectionSummary rejected) => Problem(
        StatusCodes.Status403Forbidden,
        ProblemTypes.Forbidden,
        "Forbidden tenant",
        "This API key may only write its own tenant; no event of the request was accepted.",
        Rejections(rejected));

    public static ProblemHttpResult RateLimited(int cost, int burst, TimeSpan retryAfter) => Problem(
        StatusCodes.Status429TooManyRequests,
        ProblemTypes.RateLimited,
        "Rate limit exceeded",
        retryAfter == TimeSpan.MaxValue
            ? $"This request has {cost} events, more than the client's burst of {burst}; split it into smaller batches."
            : $"This request has {cost} events and the client's limit does not allow them now; retry after the delay in Retry-After. The limit counts events, not requests.");

    public static ProblemHttpResult Overloaded() => Problem(
        StatusCodes.Status503ServiceUnavailable,
        ProblemTypes.Overloaded,
        "Ingest is saturated",
        "This replica is at its limit of requests or body memory in flight; nothing was accepted. Retry after the delay in Retry-After.");

    public static ProblemHttpResult InvalidIdempotencyKey() => Problem(
        StatusCodes.Status400BadRequest,
        ProblemTypes.InvalidEvents,
        "Invalid Idempotency-Key",
        "Idempotency-Key must be 1 to 255 printable ASCII characters.");

    public static ProblemHttpResult IdempotencyKeyReused() => Problem(
        StatusCodes.Status422UnprocessableEntity,
        ProblemTypes.IdempotencyKeyReused,
        "Idempotency-Key reused with a different request",
        "This Idempotency-Key was already used with a different body; use a new key for a new request.");

    public static ProblemHttpResult IdempotencyKeyInFlight() => Problem(
        StatusCodes.Status409Conflict,
        ProblemTypes.IdempotencyKeyInFlight,
        "Request with this Idempotency-Key in progress",
        "A request with this Idempotency-Key is still being processed; retry after the delay in Retry-After to get its outcome.");

    private static (string, object?)[] Rejections(RejectionSummary rejected) =>
        [("rejected", rejected.Details), ("rejected_total", rejected.Total), ("rejected_by_field", rejected.ByField)];

    private static string Summarize(RejectedEvent rejected)
        => string.Join("; ", rejected.Errors.Select(e => string.IsNullOrEmpty(e.Field) ? e.Message : $"{e.Field}: {e.Message}"));

    private static ProblemHttpResult Problem(int status, string type, string title, string detail, params (string Key, object? Value)[] extensions)
    {
        var problem = new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail };
        foreach (var (key, value) in extensions)
        {
            problem.Extensions[key] = value;
        }

        return TypedResults.Problem(problem);
    }
}
