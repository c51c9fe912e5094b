namespace LogDapr.Contracts.Events;

/// <summary>
/// Outcome of <see cref="LogEventCountingReader.Count"/>: a <see cref="PayloadError"/>, or how many events were
/// counted and the rejected ones, exactly as <see cref="LogEventReader.Read"/> reports them for the same payload.
/// </summary>
public readonly record struct CountResult(PayloadError? Error, int Accepted, IReadOnlyList<RejectedEvent> Rejected)
{
    /// <summary>Events found in the payload (accepted + rejected).</summary>
    public int Total => Accepted + Rejected.Count;
}
