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
    internal static readonly JsonEncodedText IdName = JsonEncodedText.Encode(LogEventFields.Id);
    internal static readonly JsonEncodedText TenantIdName = JsonEncodedText.Encode(LogEventFields.TenantId);
    internal static readonly JsonEncodedText TimestampName = JsonEncodedText.Encode(LogEventFields.Timestamp);
    internal static readonly JsonEncodedText SeverityName = JsonEncodedText.Encode(LogEventFields.Severity);
    internal static readonly JsonEncodedText ServiceName = JsonEncodedText.Encode(LogEventFields.Service);
    internal static readonly JsonEncodedText MessageName = JsonEncodedText.Encode(LogEventFields.Message);
    internal static readonly JsonEncodedText AttributesName = JsonEncodedText.Encode(LogEventFields.Attributes);
    internal static readonly JsonEncodedText TraceIdName = JsonEncodedText.Encode(LogEventFields.TraceId);
    internal static readonly JsonEncodedText SpanIdName = JsonEncodedText.Encode(LogEventFields.SpanId);
    internal static readonly JsonEncodedText HostName = JsonEncodedText.Encode(LogEventFields.Host);

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

        if ((uint)((int)logEvent.Severity - 1) >= (uint)SeverityValues.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(logEvent), logEvent.Severity, "event has an undefined Severity");
        }

        writer.WriteStartObject();
        writer.WriteString(IdName, logEvent.Id);
        writer.WriteString(TenantIdName, logEvent.TenantId);
        WriteTimestampAndSeverity(writer, logEvent.Timestamp, logEvent.Severity);
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

    /// <summary>The timestamp and severity members, in the wire form (shared with the reader's encoding mode).</summary>
    internal static void WriteTimestampAndSeverity(Utf8JsonWriter writer, DateTimeOffset timestamp, Severity severity)
    {
        Span<byte> text = stackalloc byte[Rfc3339.MaxFormattedLength];
        writer.WriteString(TimestampName, text[..Rfc3339.FormatUtc(timestamp, text)]);
        writer.WriteString(SeverityName, SeverityValues[(int)severity - 1]);
    }
}
