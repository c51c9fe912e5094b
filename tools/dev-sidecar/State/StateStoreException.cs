namespace LogDapr.DevSidecar.State;

/// <summary>components-contrib's <c>state.ETagError</c> kinds; everything else is a plain store error.</summary>
public enum StateErrorKind
{
    Other,
    ETagMismatch,
    ETagInvalid,
}

/// <summary>
/// An error a state component returns, with the component's own text. daprd maps the kind onto its API status
/// (mismatch: gRPC ABORTED / HTTP 409; invalid: INVALID_ARGUMENT / 400; other: INTERNAL / 500) and prefixes the text
/// with the operation ("failed saving state in state store X: ...").
/// </summary>
public sealed class StateStoreException(StateErrorKind kind, string message) : Exception(message)
{
    // components-contrib state/errors.go.
    private const string MismatchPrefix = "possible etag mismatch. error from state store";
    private const string InvalidPrefix = "invalid etag value";

    public StateErrorKind Kind { get; } = kind;

    public static StateStoreException Mismatch(string? inner = null) =>
        new(StateErrorKind.ETagMismatch, inner is null ? MismatchPrefix : $"{MismatchPrefix}: {inner}");

    public static StateStoreException Invalid(string inner) => new(StateErrorKind.ETagInvalid, $"{InvalidPrefix}: {inner}");

    public static StateStoreException Other(string message) => new(StateErrorKind.Other, message);

    /// <summary>
    /// daprd's errors.Join of per-key failures of a non-transactional bulk save or delete: texts joined by newlines;
    /// errors.As finds the first ETag error, which decides the status.
    /// </summary>
    public static StateStoreException Join(IReadOnlyList<StateStoreException> errors) =>
        errors.Count == 1
            ? errors[0]
            : new(errors.Select(e => e.Kind).FirstOrDefault(k => k != StateErrorKind.Other), string.Join("\n", errors.Select(e => e.Message)));
}
