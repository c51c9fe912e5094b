using System.Text.Json;

namespace LogDapr.Contracts.Events;

/// <summary>Writes normalized events in the LogEvent v1 wire form (the form <see cref="LogEventReader"/> reads back unchanged).</summary>
public static class LogEventWriter
{
    /// <summary>Writes <c>{"events":[...]}</c>.</summary>
    public static void WriteBatch(Utf8JsonWriter writer, IReadOnlyList<LogEvent> events, int start, int count)
        => throw new NotImplementedException("being written");

    /// <summary>Writes one event object.</summary>
    public static void WriteEvent(Utf8JsonWriter writer, LogEvent logEvent)
        => throw new NotImplementedException("being written");
}
