using LogDapr.Contracts.Events;
using LogDapr.Ingest.RateLimiting;
using LogDapr.ServiceDefaults.Problems;

namespace LogDapr.Ingest.Intake;

/// <summary>
/// What became of a request, independent of its protocol: each protocol renders it in its own answer shape (the JSON
/// API as ProblemDetails and 202, OTLP as ExportLogsServiceResponse or a status, ...).
/// </summary>
public abstract record IntakeOutcome
{
    /// <summary>The rate limiter's decision when it ran and is on (for RateLimit-* headers), else null.</summary>
    public RateLimitDecision? RateLimit { get; init; }

    /// <summary>
    /// The <c>reason</c> label of <c>logdapr.ingest.requests.rejected</c> when the request was refused as a whole (the
    /// slug of the problem type the JSON API answers), null when events were accepted or replayed.
    /// </summary>
    public abstract string? RejectionReason { get; }

    /// <summary>The valid events were published (and confirmed); the others are in <see cref="IngestResponse.Rejected"/>.</summary>
    public sealed record Accepted(IngestResponse Response) : IntakeOutcome
    {
        public override string? RejectionReason => null;
    }

    /// <summary>The payload as a whole could not be read (malformed, empty, too many events); nothing was accepted.</summary>
    public sealed record PayloadRefused(PayloadError Error) : IntakeOutcome
    {
        public override string? RejectionReason => RequestRejections.Of(Error.Kind switch
        {
            PayloadErrorKind.TooManyEvents => ProblemTypes.PayloadTooLarge,
            PayloadErrorKind.Empty => ProblemTypes.InvalidEvents,
            _ => ProblemTypes.MalformedPayload,
        });
    }

    /// <summary>Every event was invalid (some may also have named a forbidden tenant).</summary>
    public sealed record NoValidEvents(RejectionSummary Rejected) : IntakeOutcome
    {
        public override string? RejectionReason => RequestRejections.Of(ProblemTypes.InvalidEvents);
    }

    /// <summary>Every event named a tenant the API key may not write.</summary>
    public sealed record ForbiddenTenant(RejectionSummary Rejected) : IntakeOutcome
    {
        public override string? RejectionReason => RequestRejections.Of(ProblemTypes.Forbidden);
    }

    /// <summary>
    /// The client's limit (in events) does not allow the request's <paramref name="Cost"/> events now. A
    /// <paramref name="RetryAfter"/> of <see cref="TimeSpan.MaxValue"/> means never: the batch is larger than the burst.
    /// </summary>
    public sealed record RateLimited(int Cost, int Burst, TimeSpan RetryAfter) : IntakeOutcome
    {
        public bool Never => RetryAfter == TimeSpan.MaxValue;

        public override string? RejectionReason => RequestRejections.Of(ProblemTypes.RateLimited);
    }

    /// <summary>Send the request again, unchanged, after <paramref name="RetryAfter"/>.</summary>
    /// <param name="Detail">Why, for the answer's text.</param>
    /// <param name="MessageIds">For <see cref="RetryReason.NotConfirmed"/>: how the messages got their ids (idempotency_key, event_ids, random).</param>
    public sealed record RetryLater(RetryReason Reason, string Detail, TimeSpan RetryAfter, string? MessageIds = null) : IntakeOutcome
    {
        public override string? RejectionReason => RequestRejections.Of(Reason switch
        {
            RetryReason.Overloaded => ProblemTypes.Overloaded,
            RetryReason.IdempotencyKeyInFlight => ProblemTypes.IdempotencyKeyInFlight,
            _ => ProblemTypes.PublishUnavailable,
        });
    }

    /// <summary>
    /// An earlier request with the same Idempotency-Key and body was answered: its stored answer, the JSON
    /// <see cref="IngestResponse"/> with <paramref name="Status"/> (202). Nothing was published again.
    /// </summary>
    public sealed record Replayed(int? Status, string? Body) : IntakeOutcome
    {
        public override string? RejectionReason => null;
    }

    /// <summary>The Idempotency-Key was used before with a different request.</summary>
    public sealed record KeyReused : IntakeOutcome
    {
        public override string? RejectionReason => RequestRejections.Of(ProblemTypes.IdempotencyKeyReused);
    }
}
