using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf;
using LogDapr.Contracts.Events;
using LogDapr.Ingest.Protocols.Otlp.Wire;

namespace LogDapr.Ingest.Protocols.Otlp;

/// <summary>
/// Turns an OTLP ExportLogsServiceRequest into LogEvent v1 NDJSON, one line per log record in request order, so the
/// shared reader validates it like any JSON event and its rejected index is the record's index. Pure.
/// </summary>
/// <remarks>
/// The mapping (README "OTLP"): resource <c>service.name</c> → service (else <see cref="UnknownService"/>); resource
/// <c>host.name</c> → host; resource <c>logdapr.tenant_id</c> (else <c>tenant_id</c>) → tenant_id, checked against the
/// API key like any event's; SeverityNumber 1-24 → trace/debug/info/warn/error/fatal by range, else a SeverityText the
/// reader knows, else info (an unknown text is kept as attribute <c>otel.severity_text</c>); Body: a string as is,
/// any other value as compact JSON, none as ""; TimeUnixNano, else ObservedTimeUnixNano, else the receive time;
/// TraceId/SpanId as lowercase hex, all zero or empty = absent; attributes of the resource, the scope and the record
/// (the record's win) flattened: a kvlist nests into keys joined with the mapping's separator, arrays become their
/// JSON text, bytes base64; scope name and version become <c>otel.scope.name</c> and <c>otel.scope.version</c>,
/// EventName <c>otel.event_name</c>.
/// </remarks>
internal static class OtlpTranscoder
{
    public const string UnknownService = "unknown_service";
    public const string ServiceName = "service.name";
    public const string HostName = "host.name";
    public const string TenantAttribute = "logdapr.tenant_id";
    public const string ShortTenantAttribute = "tenant_id";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public sealed record Result(ArrayBufferWriter<byte>? Ndjson, int Records, PayloadError? Error);

    public static int CountRecords(ExportLogsServiceRequest request)
    {
        var count = 0L;
        foreach (var resource in request.ResourceLogs)
        {
            foreach (var scope in resource.ScopeLogs)
            {
                count += scope.LogRecords.Count;
            }
        }

        return (int)Math.Min(count, int.MaxValue);
    }

    /// <param name="idsAsJson">
    /// OTLP/JSON sends trace and span ids as hex strings where protobuf JSON expects base64; hex digits are base64
    /// digits too, so the parsed bytes turn back into the sent text by encoding them as base64 again.
    /// </param>
    /// <param name="maxBytes">Bound on the NDJSON (resource attributes repeat on every record, so it can outgrow the body).</param>
    public static Result Transcode(ExportLogsServiceRequest request, string separator, bool idsAsJson, int maxBytes, int maxRecords)
    {
        var records = CountRecords(request);
        if (records > maxRecords)
        {
            return new(null, records, new PayloadError(PayloadErrorKind.TooManyEvents,
                $"the request has {records} log records; the limit is {maxRecords} (Ingest:MaxEventsPerBatch)"));
        }

        var output = new ArrayBufferWriter<byte>(Math.Min(maxBytes, 64 * 1024));
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        var resourceAttributes = new Dictionary<string, AnyValue>(StringComparer.Ordinal);
        var attributes = new Dictionary<string, AnyValue>(StringComparer.Ordinal);
        using var recordIds = new RecordIds();
        foreach (var resourceLogs in request.ResourceLogs)
        {
            resourceAttributes.Clear();
            string? service = null, host = null, tenant = null, shortTenant = null;
            foreach (var kv in resourceLogs.Resource?.Attributes ?? [])
            {
                switch (kv.Key)
                {
                    case ServiceName when kv.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue && kv.Value.StringValue.Length > 0:
                        service = kv.Value.StringValue;
                        break;
                    case HostName when kv.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue:
                        host = kv.Value.StringValue;
                        break;
                    case TenantAttribute when kv.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue:
                        tenant = kv.Value.StringValue;
                        break;
                    case ShortTenantAttribute when kv.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue:
                        shortTenant = kv.Value.StringValue;
                        break;
                    default:
                        Flatten(kv.Key, kv.Value, separator, resourceAttributes);
                        break;
                }
            }

            tenant ??= shortTenant;
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                foreach (var record in scopeLogs.LogRecords)
                {
                    attributes.Clear();
                    foreach (var (key, value) in resourceAttributes)
                    {
                        attributes[key] = value;
                    }

                    if (scopeLogs.Scope is { } scope)
                    {
                        foreach (var kv in scope.Attributes)
                        {
                            Flatten(kv.Key, kv.Value, separator, attributes);
                        }

                        if (scope.Name.Length > 0)
                        {
                            attributes["otel.scope.name"] = new AnyValue { StringValue = scope.Name };
                        }

                        if (scope.Version.Length > 0)
                        {
                            attributes["otel.scope.version"] = new AnyValue { StringValue = scope.Version };
                        }
                    }

                    foreach (var kv in record.Attributes)
                    {
                        Flatten(kv.Key, kv.Value, separator, attributes);
                    }

                    WriteRecord(writer, record, service ?? UnknownService, host, tenant, attributes, idsAsJson, recordIds);
                    writer.Flush();
                    output.Write("\n"u8);
                    writer.Reset(output);
                    if (output.WrittenCount > maxBytes)
                    {
                        return new(null, records, new PayloadError(PayloadErrorKind.TooManyEvents,
                            $"the log records take more than {maxBytes} bytes as events (resource attributes count once per record); send smaller batches"));
                    }
                }
            }
        }

        return new(output, records, null);
    }

    /// <summary>The LogEvent severity of a record; <paramref name="keepText"/> when its text named none and is kept as an attribute.</summary>
    internal static string Severity(int number, string text, out bool keepText) => SeverityNames.ToWire(SeverityOf(number, text, out keepText));

    /// <summary>The severity of a record; <paramref name="keepText"/> when its text named none and is kept as an attribute.</summary>
    internal static Severity SeverityOf(int number, string text, out bool keepText)
    {
        keepText = false;
        if (number is >= 1 and <= 24)
        {
            // Each range of four SeverityNumbers is one severity, in the order of the enum.
            return (Severity)(1 + ((number - 1) / 4));
        }

        if (text.Length > 0 && SeverityNames.TryParse(text.AsSpan(), out var parsed))
        {
            return parsed;
        }

        keepText = text.Length > 0;
        return Contracts.Events.Severity.Info;
    }

    private static void WriteRecord(Utf8JsonWriter writer, LogRecord record, string service, string? host, string? tenant,
        Dictionary<string, AnyValue> attributes, bool idsAsJson, RecordIds recordIds)
    {
        var fields = new OtlpEvents.RecordFields(record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano, (int)record.SeverityNumber,
            record.SeverityText, Message(record.Body), Id(record.TraceId, idsAsJson), Id(record.SpanId, idsAsJson), record.EventName);
        writer.WriteStartObject();
        if (recordIds.For(tenant, fields, service, host, attributes) is { } id)
        {
            writer.WriteString(LogEventFields.Id, id);
        }

        if (tenant is not null)
        {
            writer.WriteString(LogEventFields.TenantId, tenant);
        }

        if (fields.Nanos != 0)
        {
            var time = DateTimeOffset.UnixEpoch.AddTicks((long)(fields.Nanos / 100));
            writer.WriteString(LogEventFields.Timestamp, time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        }

        writer.WriteString(LogEventFields.Severity, Severity(fields.SeverityNumber, fields.SeverityText, out var keepText));
        writer.WriteString(LogEventFields.Service, service);
        writer.WriteString(LogEventFields.Message, fields.Message);
        if (host is not null)
        {
            writer.WriteString(LogEventFields.Host, host);
        }

        if (fields.TraceId is { } traceId)
        {
            writer.WriteString(LogEventFields.TraceId, traceId);
        }

        if (fields.SpanId is { } spanId)
        {
            writer.WriteString(LogEventFields.SpanId, spanId);
        }

        if (keepText)
        {
            attributes["otel.severity_text"] = new AnyValue { StringValue = record.SeverityText };
        }

        if (record.EventName.Length > 0)
        {
            attributes["otel.event_name"] = new AnyValue { StringValue = record.EventName };
        }

        if (attributes.Count > 0)
        {
            writer.WriteStartObject(LogEventFields.Attributes);
            foreach (var (key, value) in attributes)
            {
                writer.WritePropertyName(key);
                WriteScalar(writer, value);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    internal static string? Id(ByteString bytes, bool idsAsJson) => Id(bytes.Span, idsAsJson);

    internal static string? Id(ReadOnlySpan<byte> bytes, bool idsAsJson)
    {
        if (bytes.IsEmpty || bytes.IndexOfAnyExcept((byte)0) < 0)
        {
            return null;
        }

        var text = idsAsJson ? Convert.ToBase64String(bytes) : Convert.ToHexStringLower(bytes);
        return text.AsSpan().IndexOfAnyExcept('0') < 0 ? null : text;
    }

    internal static string Message(AnyValue? body)
    {
        if (body is null || body.ValueCase == AnyValue.ValueOneofCase.None)
        {
            return "";
        }

        if (body.ValueCase == AnyValue.ValueOneofCase.StringValue)
        {
            return body.StringValue;
        }

        return Json(body);
    }

    /// <summary>Flattens a kvlist into separate keys; every other value is one attribute (absent values are skipped).</summary>
    private static void Flatten(string key, AnyValue? value, string separator, Dictionary<string, AnyValue> into)
    {
        if (value is null || value.ValueCase == AnyValue.ValueOneofCase.None)
        {
            return;
        }

        if (value.ValueCase == AnyValue.ValueOneofCase.KvlistValue)
        {
            foreach (var kv in value.KvlistValue.Values)
            {
                Flatten(key + separator + kv.Key, kv.Value, separator, into);
            }

            return;
        }

        into[key] = value;
    }

    /// <summary>An attribute value: strings, numbers and booleans as they are, arrays as their JSON text, bytes as base64.</summary>
    private static void WriteScalar(Utf8JsonWriter writer, AnyValue value)
    {
        switch (value.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue: writer.WriteStringValue(value.StringValue); break;
            case AnyValue.ValueOneofCase.BoolValue: writer.WriteBooleanValue(value.BoolValue); break;
            case AnyValue.ValueOneofCase.IntValue: writer.WriteNumberValue(value.IntValue); break;
            case AnyValue.ValueOneofCase.DoubleValue: WriteDouble(writer, value.DoubleValue); break;
            case AnyValue.ValueOneofCase.BytesValue: writer.WriteStringValue(value.BytesValue.ToBase64()); break;
            default: writer.WriteStringValue(Json(value)); break;
        }
    }

    /// <summary>Compact JSON of any value: kvlist → object, array → array, bytes → base64 string, NaN/±Infinity → string.</summary>
    internal static string Json(AnyValue value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true }))
        {
            WriteJson(writer, value);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteJson(Utf8JsonWriter writer, AnyValue? value)
    {
        switch (value?.ValueCase ?? AnyValue.ValueOneofCase.None)
        {
            case AnyValue.ValueOneofCase.ArrayValue:
                writer.WriteStartArray();
                foreach (var item in value!.ArrayValue.Values)
                {
                    WriteJson(writer, item);
                }

                writer.WriteEndArray();
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                writer.WriteStartObject();
                foreach (var kv in value!.KvlistValue.Values)
                {
                    writer.WritePropertyName(kv.Key);
                    WriteJson(writer, kv.Value);
                }

                writer.WriteEndObject();
                break;
            case AnyValue.ValueOneofCase.None:
                writer.WriteNullValue();
                break;
            default:
                WriteScalar(writer, value!);
                break;
        }
    }

    /// <summary>A double as an attribute value: the JSON number text Utf8JsonWriter writes, or NaN/Infinity/-Infinity.</summary>
    internal static string DoubleText(double value)
    {
        if (!double.IsFinite(value))
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteNumberValue(value);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary><see cref="OtlpRecordIds"/> of the attributes as the transcoder holds them (values as <see cref="OtlpEvents.Value"/> gives them).</summary>
    private sealed class RecordIds : IDisposable
    {
        private readonly OtlpRecordIds ids = new();
        private readonly List<KeyValuePair<string, OtlpEvents.Value>> values = [];

        public string? For(string? tenant, in OtlpEvents.RecordFields record, string service, string? host, Dictionary<string, AnyValue> attributes)
        {
            if (record.Nanos == 0)
            {
                return null;
            }

            values.Clear();
            foreach (var (key, value) in attributes)
            {
                values.Add(new(key, OtlpEvents.Value.Of(value)));
            }

            return ids.For(tenant, record, service, host, values);
        }

        public void Dispose() => ids.Dispose();
    }
}
