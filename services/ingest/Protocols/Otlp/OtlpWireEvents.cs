using System.Globalization;
using System.Text;
using LogDapr.Contracts.Events;
using LogDapr.Ingest.Intake;
using static LogDapr.Ingest.Protocols.Otlp.OtlpWireScan;
using AnyValue = LogDapr.Ingest.Protocols.Otlp.Wire.AnyValue;

namespace LogDapr.Ingest.Protocols.Otlp;

/// <summary>
/// The events of an ExportLogsServiceRequest read from its protobuf bytes, without Google.Protobuf's messages: the
/// events, rejections and indexes <see cref="OtlpEvents"/> gives for the parsed request (the same mapping, through
/// <see cref="OtlpEvents.Build"/>). Only for bytes <see cref="OtlpWireScan.TryScan"/> accepted. Strings equal to the
/// previous record's (service, keys, repeated values) are reused instead of decoded again, as the JSON reader does.
/// </summary>
internal sealed class OtlpWireEvents(ReadOnlyMemory<byte> message, int records) : IDecodedEvents
{
    private const int ReusedAttributeSlots = 16;

    public int Records { get; } = records;

    public ParseResult Read(LogEventReader reader, DateTimeOffset receivedAt, Func<int, string>? newEventId, string? defaultTenant)
    {
        using var walk = new Walk(reader, receivedAt, newEventId, defaultTenant, Records);
        return walk.Run(message.Span);
    }

    /// <summary>One read of the message: the builder, the attribute sets and the strings kept for reuse.</summary>
    private sealed class Walk(LogEventReader reader, DateTimeOffset receivedAt, Func<int, string>? newEventId, string? defaultTenant, int records) : IDisposable
    {
        private readonly LogEventBuilder builder = new(reader.Limits, receivedAt, newEventId, reader.Mapping, defaultTenant);
        private readonly OtlpRecordIds ids = new();
        private readonly List<LogEvent> accepted = new(records);
        private readonly OtlpEvents.Attributes resourceAttributes = new();
        private readonly OtlpEvents.Attributes shared = new();
        private readonly OtlpEvents.Attributes attributes = new();
        private readonly string?[] lastKeys = new string?[ReusedAttributeSlots];
        private readonly string?[] lastValues = new string?[ReusedAttributeSlots];
        private List<RejectedEvent>? rejected;
        private string? lastScopeName, lastScopeVersion, lastSeverityText, lastEventName, lastResourceKey, lastResourceValue;
        private int index;

        public ParseResult Run(ReadOnlySpan<byte> request)
        {
            var fields = new ProtoReader(request);
            while (!fields.End)
            {
                fields.TryTag(out var tag);
                if (tag == Tags.RequestResourceLogs)
                {
                    fields.TryLengthDelimited(out var resourceLogs);
                    ResourceLogs(resourceLogs);
                }
                else
                {
                    fields.TrySkip(tag);
                }
            }

            return new ParseResult { Accepted = accepted, Rejected = (IReadOnlyList<RejectedEvent>?)rejected ?? [] };
        }

        public void Dispose() => ids.Dispose();

        private void ResourceLogs(ReadOnlySpan<byte> message)
        {
            resourceAttributes.CopyFrom(Empty);
            string? service = null, host = null, tenant = null, shortTenant = null;
            var fields = new ProtoReader(message);
            while (!fields.End)
            {
                fields.TryTag(out var tag);
                if (tag == Tags.ResourceLogsResource)
                {
                    fields.TryLengthDelimited(out var resource);
                    Resource(resource, ref service, ref host, ref tenant, ref shortTenant);
                }
                else if (tag == Tags.ResourceLogsScopeLogs)
                {
                    fields.TryLengthDelimited(out var scopeLogs);
                    ScopeLogs(scopeLogs, service ?? OtlpTranscoder.UnknownService, host, tenant ?? shortTenant);
                }
                else
                {
                    fields.TrySkip(tag);
                }
            }
        }

        /// <summary>As <see cref="OtlpEvents"/>: service, host and tenant from their string attributes, the rest flattened.</summary>
        private void Resource(ReadOnlySpan<byte> message, ref string? service, ref string? host, ref string? tenant, ref string? shortTenant)
        {
            var fields = new ProtoReader(message);
            while (!fields.End)
            {
                fields.TryTag(out var tag);
                if (tag != Tags.ResourceAttributes)
                {
                    fields.TrySkip(tag);
                    continue;
                }

                fields.TryLengthDelimited(out var keyValue);
                var (key, value, isString) = KeyValue(keyValue, ref lastResourceKey, ref lastResourceValue);
                var text = isString ? value!.Value.Text! : null;
                switch (key)
                {
                    case OtlpTranscoder.ServiceName when text is { Length: > 0 }:
                        service = text;
                        break;
                    case OtlpTranscoder.HostName when text is not null:
                        host = text;
                        break;
                    case OtlpTranscoder.TenantAttribute when text is not null:
                        tenant = text;
                        break;
                    case OtlpTranscoder.ShortTenantAttribute when text is not null:
                        shortTenant = text;
                        break;
                    default:
                        Set(resourceAttributes, key, value);
                        break;
                }
            }
        }

        private void ScopeLogs(ReadOnlySpan<byte> message, string service, string? host, string? tenant)
        {
            shared.CopyFrom(resourceAttributes);
            var fields = new ProtoReader(message);
            while (!fields.End)
            {
                fields.TryTag(out var tag);
                if (tag == Tags.ScopeLogsScope)
                {
                    fields.TryLengthDelimited(out var scope);
                    Scope(scope);
                }
                else if (tag == Tags.ScopeLogsLogRecords)
                {
                    fields.TryLengthDelimited(out var record);
                    Record(record, service, host, tenant);
                }
                else
                {
                    fields.TrySkip(tag);
                }
            }
        }

        private void Scope(ReadOnlySpan<byte> message)
        {
            string name = "", version = "";
            var fields = new ProtoReader(message);
            while (!fields.End)
            {
                fields.TryTag(out var tag);
                if (tag == Tags.ScopeName)
                {
                    fields.TryLengthDelimited(out var text);
                    name = Reuse(text, ref lastScopeName);
                }
                else if (tag == Tags.ScopeVersion)
                {
                    fields.TryLengthDelimited(out var text);
                    version = Reuse(text, ref lastScopeVersion);
                }
                else if (tag == Tags.ScopeAttributes)
                {
                    fields.TryLengthDelimited(out var keyValue);
                    string? key = null, text = null;
                    var (k, value, _) = KeyValue(keyValue, ref key, ref text);
                    Set(shared, k, value);
                }
                else
                {
                    fields.TrySkip(tag);
                }
            }

            if (name.Length > 0)
            {
                shared.Set("otel.scope.name", OtlpEvents.Value.Of(name));
            }

            if (version.Length > 0)
            {
                shared.Set("otel.scope.version", OtlpEvents.Value.Of(version));
            }
        }

        private void Record(ReadOnlySpan<byte> message, string service, string? host, string? tenant)
        {
            attributes.CopyFrom(shared);
            ulong time = 0, observed = 0;
            int severityNumber = 0, position = 0;
            string severityText = "", eventName = "", body = "";
            ReadOnlySpan<byte> traceId = default, spanId = default;
            var fields = new ProtoReader(message);
            while (!fields.End)
            {
                fields.TryTag(out var tag);
                if (tag == Tags.RecordTime)
                {
                    fields.TryFixed64(out time);
                }
                else if (tag == Tags.RecordObservedTime)
                {
                    fields.TryFixed64(out observed);
                }
                else if (tag == Tags.RecordSeverityNumber)
                {
                    fields.TryVarint(out var number);
                    severityNumber = unchecked((int)number);
                }
                else if (tag == Tags.RecordSeverityText)
                {
                    fields.TryLengthDelimited(out var text);
                    severityText = Reuse(text, ref lastSeverityText);
                }
                else if (tag == Tags.RecordEventName)
                {
                    fields.TryLengthDelimited(out var text);
                    eventName = Reuse(text, ref lastEventName);
                }
                else if (tag == Tags.RecordBody)
                {
                    fields.TryLengthDelimited(out var value);
                    body = Body(value);
                }
                else if (tag == Tags.RecordTraceId)
                {
                    fields.TryLengthDelimited(out traceId);
                }
                else if (tag == Tags.RecordSpanId)
                {
                    fields.TryLengthDelimited(out spanId);
                }
                else if (tag == Tags.RecordAttributes)
                {
                    fields.TryLengthDelimited(out var keyValue);
                    var slot = Math.Min(position++, ReusedAttributeSlots - 1);
                    var (key, value, _) = KeyValue(keyValue, ref lastKeys[slot], ref lastValues[slot]);
                    Set(attributes, key, value);
                }
                else
                {
                    fields.TrySkip(tag);
                }
            }

            var recordFields = new OtlpEvents.RecordFields(time != 0 ? time : observed, severityNumber, severityText, body,
                OtlpTranscoder.Id(traceId, idsAsJson: false), OtlpTranscoder.Id(spanId, idsAsJson: false), eventName);
            if (OtlpEvents.Build(builder, ids, recordFields, service, host, tenant, attributes, index, out var logEvent, out var rejection))
            {
                accepted.Add(logEvent!);
            }
            else
            {
                (rejected ??= []).Add(rejection!);
            }

            index++;
        }

        /// <summary>A KeyValue's key, and its value as the attribute holds it (Text null and Boolean false when it has none).</summary>
        private static (string Key, OtlpEvents.Value? Value, bool IsString) KeyValue(ReadOnlySpan<byte> message, ref string? lastKey, ref string? lastText)
        {
            string key = "";
            OtlpEvents.Value? value = null;
            bool isString = false;
            var fields = new ProtoReader(message);
            while (!fields.End)
            {
                fields.TryTag(out var tag);
                if (tag == Tags.KeyValueKey)
                {
                    fields.TryLengthDelimited(out var text);
                    key = Reuse(text, ref lastKey);
                }
                else if (tag == Tags.KeyValueValue)
                {
                    fields.TryLengthDelimited(out var any);
                    (value, isString) = Scalar(any, ref lastText);
                }
                else
                {
                    fields.TrySkip(tag);
                }
            }

            return (key, value, isString);
        }

        /// <summary>A scalar AnyValue as <see cref="OtlpEvents.Value.Of(AnyValue)"/> renders it; null when no value is set.</summary>
        private static (OtlpEvents.Value? Value, bool IsString) Scalar(ReadOnlySpan<byte> message, ref string? lastText)
        {
            OtlpEvents.Value? value = null;
            bool isString = false;
            var fields = new ProtoReader(message);
            while (!fields.End)
            {
                fields.TryTag(out var tag);
                if (tag == Tags.AnyString)
                {
                    fields.TryLengthDelimited(out var text);
                    value = OtlpEvents.Value.Of(Reuse(text, ref lastText));
                    isString = true;
                }
                else if (tag == Tags.AnyBool)
                {
                    fields.TryVarint(out var flag);
                    value = new OtlpEvents.Value(null, flag != 0);
                    isString = false;
                }
                else if (tag == Tags.AnyInt)
                {
                    fields.TryVarint(out var number);
                    value = OtlpEvents.Value.Of(unchecked((long)number).ToString(CultureInfo.InvariantCulture));
                    isString = false;
                }
                else if (tag == Tags.AnyDouble)
                {
                    fields.TryFixed64(out var bits);
                    value = OtlpEvents.Value.Of(OtlpTranscoder.DoubleText(BitConverter.UInt64BitsToDouble(bits)));
                    isString = false;
                }
                else if (tag == Tags.AnyBytes)
                {
                    fields.TryLengthDelimited(out var bytes);
                    value = OtlpEvents.Value.Of(Convert.ToBase64String(bytes));
                    isString = false;
                }
                else
                {
                    fields.TrySkip(tag);
                }
            }

            return (value, isString);
        }

        /// <summary>
        /// The body as <see cref="OtlpTranscoder.Message"/> renders it: a string as it is, other scalars as JSON. Only the
        /// last value field counts (protobuf's oneof), so a string body costs its string and nothing else.
        /// </summary>
        private static string Body(ReadOnlySpan<byte> message)
        {
            uint last = 0;
            ReadOnlySpan<byte> bytes = default;
            ulong number = 0;
            var fields = new ProtoReader(message);
            while (!fields.End)
            {
                fields.TryTag(out var tag);
                if (tag == Tags.AnyString || tag == Tags.AnyBytes)
                {
                    fields.TryLengthDelimited(out bytes);
                    last = tag;
                }
                else if (tag == Tags.AnyBool || tag == Tags.AnyInt)
                {
                    fields.TryVarint(out number);
                    last = tag;
                }
                else if (tag == Tags.AnyDouble)
                {
                    fields.TryFixed64(out number);
                    last = tag;
                }
                else
                {
                    fields.TrySkip(tag);
                }
            }

            if (last == 0)
            {
                return "";
            }

            if (last == Tags.AnyString)
            {
                return bytes.IsEmpty ? "" : Encoding.UTF8.GetString(bytes);
            }

            var any = new AnyValue();
            if (last == Tags.AnyBool)
            {
                any.BoolValue = number != 0;
            }
            else if (last == Tags.AnyInt)
            {
                any.IntValue = unchecked((long)number);
            }
            else if (last == Tags.AnyDouble)
            {
                any.DoubleValue = BitConverter.UInt64BitsToDouble(number);
            }
            else
            {
                any.BytesValue = Google.Protobuf.ByteString.CopyFrom(bytes);
            }

            return OtlpTranscoder.Message(any);
        }

        private static void Set(OtlpEvents.Attributes set, string key, OtlpEvents.Value? value)
        {
            if (value is { } present)
            {
                set.Set(key, present);
            }
        }

        /// <summary>The previous string when the bytes are the same ASCII text, else the bytes decoded (and kept for next time).</summary>
        private static string Reuse(ReadOnlySpan<byte> text, ref string? last)
        {
            if (last is not null && System.Text.Ascii.Equals(text, last))
            {
                return last;
            }

            return last = text.IsEmpty ? "" : Encoding.UTF8.GetString(text);
        }

        private static readonly OtlpEvents.Attributes Empty = new();
    }
}
