using System.Text;
using System.Text.Json;
using Grpc.Core;
using LogDapr.Contracts.Events;
using LogDapr.Ingest.Intake;
using LogDapr.Ingest.Protocols.Otlp.Wire;

namespace LogDapr.Ingest.Protocols.Otlp;

/// <summary>
/// An intake outcome as OTLP answers it, for both transports: a response (with partial success when records were
/// rejected), or an error status that the exporter retries only when it should (HTTP 429/503 with Retry-After, gRPC
/// RESOURCE_EXHAUSTED/UNAVAILABLE with RetryInfo); every other error is permanent for the exporter.
/// </summary>
internal sealed record OtlpAnswer(int HttpStatus, StatusCode GrpcCode, ExportLogsServiceResponse? Response, string? Error, TimeSpan? RetryAfter)
{
    /// <summary>How many rejected records the error message names one by one.</summary>
    private const int MaxNamed = 5;

    public static OtlpAnswer Ok(ExportLogsServiceResponse response) => new(StatusCodes.Status200OK, StatusCode.OK, response, null, null);

    public static OtlpAnswer Fail(int httpStatus, StatusCode code, string error, TimeSpan? retryAfter = null) => new(httpStatus, code, null, error, retryAfter);

    public static OtlpAnswer From(IntakeOutcome outcome) => outcome switch
    {
        IntakeOutcome.Accepted accepted => Ok(Partial(accepted.Response.RejectedTotal, accepted.Response.Rejected, accepted.Response.Accepted)),
        IntakeOutcome.Replayed replay => Ok(Partial(RejectedIn(replay.Body), [], 0)),
        IntakeOutcome.PayloadRefused refused => refused.Error.Kind == PayloadErrorKind.TooManyEvents
            ? Fail(StatusCodes.Status413PayloadTooLarge, StatusCode.InvalidArgument, refused.Error.Message)
            : Fail(StatusCodes.Status400BadRequest, StatusCode.InvalidArgument, refused.Error.Message),
        IntakeOutcome.NoValidEvents invalid => Fail(StatusCodes.Status400BadRequest, StatusCode.InvalidArgument,
            $"all {invalid.Rejected.Total} log records are invalid: " + Describe(invalid.Rejected.Details)),
        IntakeOutcome.ForbiddenTenant => Fail(StatusCodes.Status403Forbidden, StatusCode.PermissionDenied,
            "this API key may only write its own tenant; no log record was accepted"),
        IntakeOutcome.RateLimited limited => limited.Never
            ? Fail(StatusCodes.Status413PayloadTooLarge, StatusCode.InvalidArgument,
                $"the request has {limited.Cost} log records, more than the client's burst of {limited.Burst}; send smaller batches")
            : Fail(StatusCodes.Status429TooManyRequests, StatusCode.ResourceExhausted,
                $"rate limit exceeded ({limited.Cost} log records; the limit counts records); retry after {Seconds(limited.RetryAfter)}s", limited.RetryAfter),
        IntakeOutcome.RetryLater later => Fail(StatusCodes.Status503ServiceUnavailable, StatusCode.Unavailable, later.Reason switch
        {
            RetryReason.Overloaded => "ingest is saturated; nothing was accepted",
            RetryReason.IdempotencyKeyInFlight => "a request with this Idempotency-Key is still being processed",
            RetryReason.IdempotencyStoreUnavailable => $"nothing was published: {later.Detail}",
            _ => $"the pipeline did not confirm the publish ({later.Detail}); retry the request unchanged",
        }, later.RetryAfter),
        IntakeOutcome.KeyReused => Fail(StatusCodes.Status422UnprocessableEntity, StatusCode.FailedPrecondition,
            "this Idempotency-Key was already used with a different request"),
        _ => throw new InvalidOperationException($"unknown intake outcome {outcome.GetType().Name}"),
    };

    public static long Seconds(TimeSpan span) => (long)Math.Ceiling(span.TotalSeconds);

    /// <summary>google.rpc.Status for the error, with RetryInfo when the exporter should retry after a delay.</summary>
    public Wire.Status ToStatus()
    {
        var status = new Wire.Status { Code = (int)GrpcCode, Message = Error ?? "" };
        if (RetryAfter is { } delay)
        {
            status.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(new RetryInfo
            {
                RetryDelay = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(Seconds(delay))),
            }));
        }

        return status;
    }

    private static ExportLogsServiceResponse Partial(long rejected, IReadOnlyList<RejectedEvent> details, int accepted)
    {
        var response = new ExportLogsServiceResponse();
        if (rejected > 0)
        {
            response.PartialSuccess = new ExportLogsPartialSuccess
            {
                RejectedLogRecords = rejected,
                ErrorMessage = details.Count == 0
                    ? $"{rejected} log records were rejected"
                    : $"{rejected} of {rejected + accepted} log records rejected: " + Describe(details),
            };
        }

        return response;
    }

    private static string Describe(IReadOnlyList<RejectedEvent> details)
    {
        var text = new StringBuilder();
        foreach (var rejected in details.Take(MaxNamed))
        {
            text.Append(text.Length == 0 ? "" : "; ").Append("record ").Append(rejected.Index).Append(": ")
                .AppendJoin(", ", rejected.Errors.Select(e => string.IsNullOrEmpty(e.Field) || e.Field == LogEventFields.WholeEvent ? e.Message : $"{e.Field}: {e.Message}"));
        }

        if (details.Count > MaxNamed)
        {
            text.Append("; …");
        }

        return text.ToString();
    }

    /// <summary>rejected_total of a stored JSON answer (0 when it cannot be read: the replay is still answered).</summary>
    private static long RejectedIn(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return 0;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("rejected_total", out var total) && total.TryGetInt64(out var n) ? n : 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }
}
