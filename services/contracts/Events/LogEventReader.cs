namespace LogDapr.Contracts.Events;

/// <summary>
/// Parses, validates and normalizes LogEvent v1 payloads. Pure: no I/O, no clock (the receive time is passed in),
/// never throws on any input (malformed input becomes a <see cref="PayloadError"/> or a <see cref="RejectedEvent"/>).
/// </summary>
public sealed class LogEventReader(LogEventLimits limits)
{
    public LogEventLimits Limits { get; } = limits;

    public ParseResult Read(ReadOnlySpan<byte> utf8, PayloadFormat format, DateTimeOffset receivedAt)
        => throw new NotImplementedException("being written");
}
