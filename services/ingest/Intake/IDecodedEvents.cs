using LogDapr.Contracts.Events;

namespace LogDapr.Ingest.Intake;

/// <summary>
/// A payload a protocol has decoded into its own records, which builds validated events directly
/// (<see cref="LogEventBuilder"/>) instead of being transcoded into LogEvent NDJSON and read again. It must give what
/// <see cref="LogEventReader.Read"/> gives for the transcoded payload: the same events, rejections and indexes.
/// </summary>
public interface IDecodedEvents
{
    /// <summary>The events, read as <see cref="LogEventReader.Read"/> would (the arguments mean the same); may be called more than once.</summary>
    ParseResult Read(LogEventReader reader, DateTimeOffset receivedAt, Func<int, string>? newEventId, string? defaultTenant);
}
