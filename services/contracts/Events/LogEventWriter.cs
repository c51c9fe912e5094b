using System.Text.Json;

namespace LogDapr.Contracts.Events;

/// <summary>
/// Writes normalized events in the LogEvent v1 wire form (the form <see cref="LogEventReader"/> reads back unchanged):
/// timestamps in UTC as <c>yyyy-MM-ddTHH:mm:ss[.fffffff]Z</c> (trailing zero digits dropped), severity as its lowercase
/// keyword, <c>attributes</c> omitted when empty, <c>trace_id</c>/<c>span_id</c>/<c>host</c> omitted when null.
/// The events are written as they are; they are expected to come from the reader.
/// </summary>
public static class LogEventWriter
{
    private static readonly JsonEncodedText EventsName = JsonEncodedText.Encode(LogEventFields.Events);
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode(LogEventFields.Id);
    private static readonly JsonEncodedText TenantIdName = JsonEncodedText.Encode(LogEventFields.TenantId);
    private static readonly JsonEncodedText TimestampName = JsonEncodedText.Encode(LogEventFields.Timestamp);
    private static readonly JsonEncodedText SeverityName = JsonEncodedText.Encode(LogEventFields.Severity);
    private static readonly JsonEncodedText ServiceName = JsonEncodedText.Encode(LogEventFields.Service);
    private static readonly JsonEncodedText MessageName = JsonEncodedText.Encode(LogEventFields.Message);
    private static readonly JsonEncodedText AttributesName = JsonEncodedText.Encode(LogEventFields.Attributes);
    private static readonly JsonEncodedText TraceIdName = JsonEncodedText.Encode(LogEventFields.TraceId);
    private static readonly JsonEncodedText SpanIdName = JsonEncodedText.Encode(LogEventFields.SpanId);
    private static readonly JsonEncodedText HostName = JsonEncodedText.Encode(LogEventFields.Host);

    private static readonly JsonEncodedText[] SeverityValues =
    [
        .. Enum.GetValues<Severity>().Select(s => JsonEncodedText.Encode(SeverityNames.ToWire(s))),
    ];

    /// <summary>Writes <c>{"events":[...]}</c> with <paramref name="count"/> events starting at <paramref name="start"/>.</summary>
    public static void WriteBatch(Utf8JsonWriter writer, IReadOnlyList<LogEvent> events, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, events.Count - start);

        writer.WriteStartObject();
        writer.WriteStartArray(EventsName);
        for (int i = start; i < start + count; i++)
        {
            WriteEvent(writer, events[i]);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Writes one event object.</summary>
    public static void WriteEvent(Utf8JsonWriter writer, LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(logEvent);

        int severity = (int)logEvent.Severity - 1;
        if ((uint)severity >= (uint)SeverityValues.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(logEvent), logEvent.Severity, "event has an undefined Severity");
        }

        writer.WriteStartObject();
        writer.WriteString(IdName, logEvent.Id);
        writer.WriteString(TenantIdName, logEvent.TenantId);
        Span<byte> timestamp = stackalloc byte[Rfc3339.MaxFormattedLength];
        writer.WriteString(TimestampName, timestamp[..Rfc3339.FormatUtc(logEvent.Timestamp, timestamp)]);
        writer.WriteString(SeverityName, SeverityValues[severity]);
        writer.WriteString(ServiceName, logEvent.Service);
        writer.WriteString(MessageName, logEvent.Message);
        var attributes = logEvent.Attributes;
        if (attributes is { Count: > 0 })
        {
            writer.WriteStartObject(AttributesName);
            for (int i = 0; i < attributes.Count; i++)
            {
                writer.WriteString(attributes[i].Key, attributes[i].Value);
            }
            writer.WriteEndObject();
        }
        if (logEvent.TraceId is { } traceId)
        {
            writer.WriteString(TraceIdName, traceId);
        }
        if (logEvent.SpanId is { } spanId)
        {
            writer.WriteString(SpanIdName, spanId);
        }
        if (logEvent.Host is { } host)
        {
            writer.WriteString(HostName, host);
        }
        writer.WriteEndObject();
    }
}
