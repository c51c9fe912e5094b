using System.Globalization;
using Google.Protobuf;
using LogDapr.Contracts.Events;
using LogDapr.Ingest.Intake;
using LogDapr.Ingest.Protocols.Otlp.Wire;

namespace LogDapr.Ingest.Protocols.Otlp;

/// <summary>
/// An OTLP ExportLogsServiceRequest read straight into validated LogEvents (<see cref="LogEventBuilder"/>): the mapping
/// of <see cref="OtlpTranscoder"/> (README "OTLP"), without LogEvent NDJSON between, so a record gives the event,
/// the rejection and the index that its transcoded line gives the reader. Resource and scope attributes are
/// flattened and converted once per scope, not once per record.
/// </summary>
internal sealed class OtlpEvents : IDecodedEvents
{
    /// <summary>What a record costs as LogEvent JSON beyond its values (names, quotes, id, timestamp), for the size bound.</summary>
    internal const int EventOverheadBytes = 160;

    private readonly ExportLogsServiceRequest request;
    private readonly bool idsAsJson;

    private OtlpEvents(ExportLogsServiceRequest request, bool idsAsJson, int records)
    {
        this.request = request;
        this.idsAsJson = idsAsJson;
        Records = records;
    }

    public int Records { get; }

    /// <summary>
    /// The request's records, or why they are refused as a whole: more than <paramref name="maxRecords"/>, or more than
    /// <paramref name="maxBytes"/> as events (resource and scope attributes counted once per record, as they are published).
    /// </summary>
    public static (OtlpEvents? Events, PayloadError? Error) Of(ExportLogsServiceRequest request, bool idsAsJson, int maxBytes, int maxRecords)
    {
        var records = OtlpTranscoder.CountRecords(request);
        if (records > maxRecords)
        {
            return (null, TooManyRecords(records, maxRecords));
        }

        long bytes = 0;
        foreach (var resourceLogs in request.ResourceLogs)
        {
            long resource = resourceLogs.Resource?.CalculateSize() ?? 0;
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                long shared = resource + (scopeLogs.Scope?.CalculateSize() ?? 0) + EventOverheadBytes;
                var logRecords = scopeLogs.LogRecords;
                for (int r = 0; r < logRecords.Count; r++)
                {
                    var record = logRecords[r];
                    bytes += shared + record.CalculateSize();
                }

                if (bytes > maxBytes)
                {
                    return (null, TooManyBytes(maxBytes));
                }
            }
        }

        return (new OtlpEvents(request, idsAsJson, records), null);
    }

    internal static PayloadError TooManyRecords(int records, int maxRecords) => new(PayloadErrorKind.TooManyEvents,
        $"the request has {records} log records; the limit is {maxRecords} (Ingest:MaxEventsPerBatch)");

    internal static PayloadError TooManyBytes(int maxBytes) => new(PayloadErrorKind.TooManyEvents,
        $"the log records take more than {maxBytes} bytes as events (resource attributes count once per record); send smaller batches");

    public ParseResult Read(LogEventReader reader, DateTimeOffset receivedAt, Func<int, string>? newEventId, string? defaultTenant)
    {
        var mapping = reader.Mapping;
        var separator = mapping.Separator;
        var builder = new LogEventBuilder(reader.Limits, receivedAt, newEventId, mapping, defaultTenant);
        using var ids = new OtlpRecordIds();
        var accepted = new List<LogEvent>(Records);
        List<RejectedEvent>? rejected = null;
        var shared = new Attributes();
        var attributes = new Attributes();
        int index = 0;
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var resourceAttributes = new Attributes();
            string? service = null, host = null, tenant = null, shortTenant = null;
            foreach (var kv in resourceLogs.Resource?.Attributes ?? [])
            {
                switch (kv.Key)
                {
                    case OtlpTranscoder.ServiceName when kv.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue && kv.Value.StringValue.Length > 0:
                        service = kv.Value.StringValue;
                        break;
                    case OtlpTranscoder.HostName when kv.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue:
                        host = kv.Value.StringValue;
                        break;
                    case OtlpTranscoder.TenantAttribute when kv.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue:
                        tenant = kv.Value.StringValue;
                        break;
                    case OtlpTranscoder.ShortTenantAttribute when kv.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue:
                        shortTenant = kv.Value.StringValue;
                        break;
                    default:
                        resourceAttributes.Flatten(kv.Key, kv.Value, separator);
                        break;
                }
            }

            tenant ??= shortTenant;
            service ??= OtlpTranscoder.UnknownService;
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                shared.CopyFrom(resourceAttributes);
                if (scopeLogs.Scope is { } scope)
                {
                    foreach (var kv in scope.Attributes)
                    {
                        shared.Flatten(kv.Key, kv.Value, separator);
                    }

                    if (scope.Name.Length > 0)
                    {
                        shared.Set("otel.scope.name", Value.Of(scope.Name));
                    }

                    if (scope.Version.Length > 0)
                    {
                        shared.Set("otel.scope.version", Value.Of(scope.Version));
                    }
                }

                var logRecords = scopeLogs.LogRecords;
                for (int r = 0; r < logRecords.Count; r++)
                {
                    var record = logRecords[r];
                    attributes.CopyFrom(shared);
                    var recordAttributes = record.Attributes;
                    for (int i = 0; i < recordAttributes.Count; i++)
                    {
                        attributes.Flatten(recordAttributes[i].Key, recordAttributes[i].Value, separator);
                    }

                    var fields = new RecordFields(record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano, (int)record.SeverityNumber,
                        record.SeverityText, OtlpTranscoder.Message(record.Body), OtlpTranscoder.Id(record.TraceId.Span, idsAsJson),
                        OtlpTranscoder.Id(record.SpanId.Span, idsAsJson), record.EventName);
                    if (Build(builder, ids, fields, service, host, tenant, attributes, index, out var logEvent, out var rejection))
                    {
                        accepted.Add(logEvent!);
                    }
                    else
                    {
                        (rejected ??= []).Add(rejection!);
                    }

                    index++;
                }
            }
        }

        return new ParseResult { Accepted = accepted, Rejected = (IReadOnlyList<RejectedEvent>?)rejected ?? [] };
    }

    /// <summary>What a log record gives its event besides attributes: timestamp (time, else observed time), severity, message, ids.</summary>
    internal readonly record struct RecordFields(ulong Nanos, int SeverityNumber, string SeverityText, string Message, string? TraceId, string? SpanId,
        string EventName);

    /// <summary>The record's fields in LogEvent v1 order, so errors come out in the order the reader gives them.</summary>
    internal static bool Build(LogEventBuilder builder, OtlpRecordIds ids, in RecordFields record, string service, string? host, string? tenant,
        Attributes attributes, int index, out LogEvent? logEvent, out RejectedEvent? rejection)
    {
        builder.Start();
        if (ids.For(tenant, record, service, host, attributes.Entries) is { } id)
        {
            builder.Id(id);
        }

        if (tenant is not null)
        {
            builder.TenantId(tenant);
        }

        if (record.Nanos != 0)
        {
            builder.Timestamp(DateTime.UnixEpoch.Ticks + (long)(record.Nanos / 100));
        }

        builder.Severity(OtlpTranscoder.SeverityOf(record.SeverityNumber, record.SeverityText, out var keepText));
        builder.Service(service);
        builder.Message(record.Message);
        if (host is not null)
        {
            builder.Host(host);
        }

        if (record.TraceId is { } traceId)
        {
            builder.TraceId(traceId);
        }

        if (record.SpanId is { } spanId)
        {
            builder.SpanId(spanId);
        }

        if (keepText)
        {
            attributes.Set("otel.severity_text", Value.Of(record.SeverityText));
        }

        if (record.EventName.Length > 0)
        {
            attributes.Set("otel.event_name", Value.Of(record.EventName));
        }

        foreach (var (key, value) in attributes.Entries)
        {
            if (value.Text is { } text)
            {
                builder.Attribute(key, text);
            }
            else
            {
                builder.Attribute(key, value.Boolean);
            }
        }

        return builder.Finish(index, out logEvent, out rejection);
    }

    /// <summary>An attribute value as the LogEvent attributes object holds it: text (a string, or a number's JSON text) or a boolean.</summary>
    internal readonly record struct Value(string? Text, bool Boolean)
    {
        public static Value Of(string text) => new(text, false);

        /// <summary>As <see cref="OtlpTranscoder"/> writes it: strings and numbers as they are, arrays as JSON text, bytes as base64.</summary>
        public static Value Of(AnyValue value) => value.ValueCase switch
        {
            AnyValue.ValueOneofCase.StringValue => new(value.StringValue, false),
            AnyValue.ValueOneofCase.BoolValue => new(null, value.BoolValue),
            AnyValue.ValueOneofCase.IntValue => new(value.IntValue.ToString(CultureInfo.InvariantCulture), false),
            AnyValue.ValueOneofCase.DoubleValue => new(OtlpTranscoder.DoubleText(value.DoubleValue), false),
            AnyValue.ValueOneofCase.BytesValue => new(value.BytesValue.ToBase64(), false),
            _ => new(OtlpTranscoder.Json(value), false),
        };
    }

    /// <summary>
    /// Attributes in insertion order where a later value of a key replaces the earlier one in its place (the order and
    /// precedence of the transcoder's dictionary). Lookups go through a dictionary once there are more than a few.
    /// </summary>
    internal sealed class Attributes
    {
        private const int LinearLimit = 8;
        private readonly List<KeyValuePair<string, Value>> entries = [];
        private Dictionary<string, int>? positions;

        public List<KeyValuePair<string, Value>> Entries => entries;

        public void CopyFrom(Attributes other)
        {
            entries.Clear();
            positions?.Clear();
            foreach (var entry in other.entries)
            {
                entries.Add(entry);
                positions?.Add(entry.Key, entries.Count - 1);
            }

            if (positions is null && entries.Count > LinearLimit)
            {
                Index();
            }
        }

        /// <summary>A kvlist nests into keys joined with the separator; every other value is one attribute (absent values skipped).</summary>
        public void Flatten(string key, AnyValue? value, string separator)
        {
            if (value is null || value.ValueCase == AnyValue.ValueOneofCase.None)
            {
                return;
            }

            if (value.ValueCase == AnyValue.ValueOneofCase.KvlistValue)
            {
                foreach (var kv in value.KvlistValue.Values)
                {
                    Flatten(key + separator + kv.Key, kv.Value, separator);
                }

                return;
            }

            Set(key, Value.Of(value));
        }

        public void Set(string key, Value value)
        {
            int position = Find(key);
            if (position >= 0)
            {
                entries[position] = new(key, value);
                return;
            }

            entries.Add(new(key, value));
            if (positions is not null)
            {
                positions.Add(key, entries.Count - 1);
            }
            else if (entries.Count > LinearLimit)
            {
                Index();
            }
        }

        private int Find(string key)
        {
            if (positions is not null)
            {
                return positions.TryGetValue(key, out var position) ? position : -1;
            }

            for (int i = 0; i < entries.Count; i++)
            {
                if (string.Equals(entries[i].Key, key, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return -1;
        }

        private void Index()
        {
            positions ??= new Dictionary<string, int>(StringComparer.Ordinal);
            positions.Clear();
            for (int i = 0; i < entries.Count; i++)
            {
                positions.Add(entries[i].Key, i);
            }
        }
    }
}
