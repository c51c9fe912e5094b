using System.Buffers;
using System.Text.Json;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Store.Archive;

/// <summary>A stored event as one archive line: the event, the message it came in and when ingest received it.</summary>
public sealed record ArchivedEvent(LogEvent Event, string MessageId, DateTimeOffset ReceivedAt);

/// <summary>
/// One line of an archive part: the event in its LogEvent v1 fields (<c>id</c>, <c>tenant_id</c>, <c>timestamp</c>,
/// <c>severity</c> keyword, <c>service</c>, <c>message</c>, <c>attributes</c>, <c>trace_id</c>, <c>span_id</c>, <c>host</c>;
/// null ones omitted) plus <c>message_id</c> and <c>received_at</c>, the stored columns a restore needs to publish the
/// original message again. Pure.
/// </summary>
public static class ArchiveLine
{
    public const string MessageId = "message_id";
    public const string ReceivedAt = "received_at";

    public static void Write(IBufferWriter<byte> output, ArchivedEvent archived)
    {
        var e = archived.Event;
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteString(LogEventFields.Id, e.Id);
        writer.WriteString(LogEventFields.TenantId, e.TenantId);
        WriteTime(writer, LogEventFields.Timestamp, e.Timestamp);
        writer.WriteString(LogEventFields.Severity, SeverityNames.ToWire(e.Severity));
        writer.WriteString(LogEventFields.Service, e.Service);
        writer.WriteString(LogEventFields.Message, e.Message);
        writer.WriteStartObject(LogEventFields.Attributes);
        foreach (var (key, value) in e.Attributes)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
        WriteIfSet(writer, LogEventFields.TraceId, e.TraceId);
        WriteIfSet(writer, LogEventFields.SpanId, e.SpanId);
        WriteIfSet(writer, LogEventFields.Host, e.Host);
        writer.WriteString(MessageId, archived.MessageId);
        WriteTime(writer, ReceivedAt, archived.ReceivedAt);
        writer.WriteEndObject();
    }

    /// <exception cref="FormatException">The line is not an archive line.</exception>
    public static ArchivedEvent Read(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var attributes = root.TryGetProperty(LogEventFields.Attributes, out var a)
                ? a.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!)).ToList()
                : [];
            if (!SeverityNames.TryParse(root.GetProperty(LogEventFields.Severity).GetString(), out var severity))
            {
                throw new FormatException("unknown severity");
            }

            var e = new LogEvent
            {
                Id = root.GetProperty(LogEventFields.Id).GetString()!,
                TenantId = root.GetProperty(LogEventFields.TenantId).GetString()!,
                Timestamp = Time(root, LogEventFields.Timestamp),
                Severity = severity,
                Service = root.GetProperty(LogEventFields.Service).GetString()!,
                Message = root.GetProperty(LogEventFields.Message).GetString()!,
                Attributes = attributes,
                TraceId = Optional(root, LogEventFields.TraceId),
                SpanId = Optional(root, LogEventFields.SpanId),
                Host = Optional(root, LogEventFields.Host),
            };
            return new ArchivedEvent(e, root.GetProperty(MessageId).GetString()!, Time(root, ReceivedAt));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("not an archive line: " + ex.Message, ex);
        }
    }

    private static DateTimeOffset Time(JsonElement root, string name)
        => Rfc3339.TryParse(root.GetProperty(name).GetString()!, out var time) ? time : throw new FormatException($"{name} is not an RFC 3339 time");

    private static string? Optional(JsonElement root, string name)
        => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset time)
    {
        Span<byte> text = stackalloc byte[Rfc3339.MaxFormattedLength];
        writer.WriteString(name, text[..Rfc3339.FormatUtc(time, text)]);
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
