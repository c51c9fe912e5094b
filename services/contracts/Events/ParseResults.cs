namespace LogDapr.Contracts.Events;

/// <summary>A field that failed validation: <c>Field</c> is the JSON name (e.g. "tenant_id", "attributes.env").</summary>
public readonly record struct FieldError(string Field, string Message);

/// <summary>
/// An event of a batch that was rejected, with every field error found in it. <c>Index</c> is its 0-based position
/// in the payload: the element of the JSON array (0 for a single object); for NDJSON, the position among the
/// non-blank lines (blank lines are skipped and not counted, so the indexes match the accepted+rejected order).
/// </summary>
public sealed record RejectedEvent(int Index, IReadOnlyList<FieldError> Errors);

public enum PayloadFormat
{
    /// <summary>One event object, a JSON array of events, or <c>{"events":[...]}</c>.</summary>
    Json,
    /// <summary>One JSON event object per line (application/x-ndjson); blank lines are ignored and not counted.</summary>
    Ndjson,
}

/// <summary>Why a whole payload was refused (nothing of it is accepted).</summary>
public enum PayloadErrorKind
{
    MalformedJson,
    UnsupportedShape,
    Empty,
    TooManyEvents,
}

public sealed record PayloadError(PayloadErrorKind Kind, string Message);

/// <summary>Outcome of reading a payload: either a <see cref="PayloadError"/> or accepted and rejected events.</summary>
public sealed class ParseResult
{
    public PayloadError? Error { get; init; }
    public IReadOnlyList<LogEvent> Accepted { get; init; } = [];
    public IReadOnlyList<RejectedEvent> Rejected { get; init; } = [];
    /// <summary>Events found in the payload (accepted + rejected).</summary>
    public int Total => Accepted.Count + Rejected.Count;
}
