namespace LogDapr.Contracts.Events.Encoded;

/// <summary>
/// Outcome of <see cref="LogEventReader.Encode"/>: either a <see cref="PayloadError"/> or the accepted events, encoded,
/// and the rejected ones. Disposing it gives the accepted events' buffers back.
/// </summary>
public sealed class EncodedParseResult : IDisposable
{
    private static readonly EncodedEvents None = EncodedEvents.NoEvents();

    public PayloadError? Error { get; init; }
    public EncodedEvents Accepted { get; init; } = None;
    public IReadOnlyList<RejectedEvent> Rejected { get; init; } = [];

    /// <summary>Events found in the payload (accepted + rejected).</summary>
    public int Total => Accepted.Count + Rejected.Count;

    /// <summary>The same outcome for events a protocol's decoder built as objects (<see cref="EncodedEvents.From"/>).</summary>
    public static EncodedParseResult From(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        return parsed.Error is { } error
            ? new EncodedParseResult { Error = error }
            : new EncodedParseResult { Accepted = EncodedEvents.From(parsed.Accepted), Rejected = parsed.Rejected };
    }

    public void Dispose() => Accepted.Dispose();
}
