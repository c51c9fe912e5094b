using System.Text.Unicode;

namespace LogDapr.Ingest.Protocols.Otlp;

/// <summary>
/// Checks that an ExportLogsServiceRequest's bytes are in the shape <see cref="OtlpWireEvents"/> reads, and counts its
/// records and their size as events (what <see cref="OtlpEvents.Of"/> bounds). The shape is what exporters send:
/// every message Google.Protobuf would parse without error, with the resource before the scopes, the scope before
/// the records, no singular message sent twice (protobuf would merge them) and no array or kvlist values. Anything
/// else is not refused here: it is left to Google.Protobuf's parser (<see cref="OtlpProtobufMessage"/>).
/// </summary>
internal static class OtlpWireScan
{
    /// <summary>Tags (field number and wire type) of the fields the scan and the reader know, by message.</summary>
    internal static class Tags
    {
        public static readonly uint RequestResourceLogs = ProtoReader.Tag(1, ProtoReader.LengthDelimited);

        public static readonly uint ResourceLogsResource = ProtoReader.Tag(1, ProtoReader.LengthDelimited);
        public static readonly uint ResourceLogsScopeLogs = ProtoReader.Tag(2, ProtoReader.LengthDelimited);
        public static readonly uint ResourceLogsSchemaUrl = ProtoReader.Tag(3, ProtoReader.LengthDelimited);

        public static readonly uint ResourceAttributes = ProtoReader.Tag(1, ProtoReader.LengthDelimited);

        public static readonly uint ScopeLogsScope = ProtoReader.Tag(1, ProtoReader.LengthDelimited);
        public static readonly uint ScopeLogsLogRecords = ProtoReader.Tag(2, ProtoReader.LengthDelimited);
        public static readonly uint ScopeLogsSchemaUrl = ProtoReader.Tag(3, ProtoReader.LengthDelimited);

        public static readonly uint ScopeName = ProtoReader.Tag(1, ProtoReader.LengthDelimited);
        public static readonly uint ScopeVersion = ProtoReader.Tag(2, ProtoReader.LengthDelimited);
        public static readonly uint ScopeAttributes = ProtoReader.Tag(3, ProtoReader.LengthDelimited);

        public static readonly uint RecordTime = ProtoReader.Tag(1, ProtoReader.Fixed64);
        public static readonly uint RecordSeverityNumber = ProtoReader.Tag(2, ProtoReader.Varint);
        public static readonly uint RecordSeverityText = ProtoReader.Tag(3, ProtoReader.LengthDelimited);
        public static readonly uint RecordBody = ProtoReader.Tag(5, ProtoReader.LengthDelimited);
        public static readonly uint RecordAttributes = ProtoReader.Tag(6, ProtoReader.LengthDelimited);
        public static readonly uint RecordTraceId = ProtoReader.Tag(9, ProtoReader.LengthDelimited);
        public static readonly uint RecordSpanId = ProtoReader.Tag(10, ProtoReader.LengthDelimited);
        public static readonly uint RecordObservedTime = ProtoReader.Tag(11, ProtoReader.Fixed64);
        public static readonly uint RecordEventName = ProtoReader.Tag(12, ProtoReader.LengthDelimited);

        public static readonly uint KeyValueKey = ProtoReader.Tag(1, ProtoReader.LengthDelimited);
        public static readonly uint KeyValueValue = ProtoReader.Tag(2, ProtoReader.LengthDelimited);

        public static readonly uint AnyString = ProtoReader.Tag(1, ProtoReader.LengthDelimited);
        public static readonly uint AnyBool = ProtoReader.Tag(2, ProtoReader.Varint);
        public static readonly uint AnyInt = ProtoReader.Tag(3, ProtoReader.Varint);
        public static readonly uint AnyDouble = ProtoReader.Tag(4, ProtoReader.Fixed64);
        public static readonly uint AnyArray = ProtoReader.Tag(5, ProtoReader.LengthDelimited);
        public static readonly uint AnyKvlist = ProtoReader.Tag(6, ProtoReader.LengthDelimited);
        public static readonly uint AnyBytes = ProtoReader.Tag(7, ProtoReader.LengthDelimited);
    }

    /// <summary>True when the reader can read <paramref name="message"/>; then its records and their size as events.</summary>
    public static bool TryScan(ReadOnlySpan<byte> message, out int records, out long eventBytes)
    {
        records = 0;
        eventBytes = 0;
        var reader = new ProtoReader(message);
        while (!reader.End)
        {
            if (!reader.TryTag(out var tag))
            {
                return false;
            }

            if (tag == Tags.RequestResourceLogs)
            {
                if (!reader.TryLengthDelimited(out var resourceLogs) || !ResourceLogs(resourceLogs, ref records, ref eventBytes))
                {
                    return false;
                }
            }
            else if (!reader.TrySkip(tag))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ResourceLogs(ReadOnlySpan<byte> message, ref int records, ref long eventBytes)
    {
        var reader = new ProtoReader(message);
        bool sawResource = false, sawScopes = false;
        long resourceBytes = 0;
        while (!reader.End)
        {
            if (!reader.TryTag(out var tag))
            {
                return false;
            }

            if (tag == Tags.ResourceLogsResource)
            {
                if (sawResource || sawScopes || !reader.TryLengthDelimited(out var resource) || !Repeated(resource, Tags.ResourceAttributes))
                {
                    return false;
                }

                sawResource = true;
                resourceBytes = resource.Length;
            }
            else if (tag == Tags.ResourceLogsScopeLogs)
            {
                sawScopes = true;
                if (!reader.TryLengthDelimited(out var scopeLogs) || !ScopeLogs(scopeLogs, resourceBytes, ref records, ref eventBytes))
                {
                    return false;
                }
            }
            else if (!(tag == Tags.ResourceLogsSchemaUrl ? Text(ref reader) : reader.TrySkip(tag)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ScopeLogs(ReadOnlySpan<byte> message, long resourceBytes, ref int records, ref long eventBytes)
    {
        var reader = new ProtoReader(message);
        bool sawScope = false, sawRecords = false;
        long scopeBytes = 0;
        while (!reader.End)
        {
            if (!reader.TryTag(out var tag))
            {
                return false;
            }

            if (tag == Tags.ScopeLogsScope)
            {
                if (sawScope || sawRecords || !reader.TryLengthDelimited(out var scope) || !Scope(scope))
                {
                    return false;
                }

                sawScope = true;
                scopeBytes = scope.Length;
            }
            else if (tag == Tags.ScopeLogsLogRecords)
            {
                sawRecords = true;
                if (!reader.TryLengthDelimited(out var record) || !Record(record) || records == int.MaxValue)
                {
                    return false;
                }

                records++;
                eventBytes += resourceBytes + scopeBytes + OtlpEvents.EventOverheadBytes + record.Length;
            }
            else if (!(tag == Tags.ScopeLogsSchemaUrl ? Text(ref reader) : reader.TrySkip(tag)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Scope(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoReader(message);
        while (!reader.End)
        {
            if (!reader.TryTag(out var tag))
            {
                return false;
            }

            bool ok = tag == Tags.ScopeName || tag == Tags.ScopeVersion ? Text(ref reader)
                : tag == Tags.ScopeAttributes ? reader.TryLengthDelimited(out var keyValue) && KeyValue(keyValue)
                : reader.TrySkip(tag);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Record(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoReader(message);
        bool sawBody = false;
        while (!reader.End)
        {
            if (!reader.TryTag(out var tag))
            {
                return false;
            }

            bool ok;
            if (tag == Tags.RecordSeverityText || tag == Tags.RecordEventName)
            {
                ok = Text(ref reader);
            }
            else if (tag == Tags.RecordBody)
            {
                ok = !sawBody && reader.TryLengthDelimited(out var body) && AnyValue(body);
                sawBody = true;
            }
            else if (tag == Tags.RecordAttributes)
            {
                ok = reader.TryLengthDelimited(out var keyValue) && KeyValue(keyValue);
            }
            else
            {
                ok = reader.TrySkip(tag);
            }

            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Each field of <paramref name="message"/> tagged <paramref name="keyValueTag"/> is a KeyValue; the rest are skipped.</summary>
    private static bool Repeated(ReadOnlySpan<byte> message, uint keyValueTag)
    {
        var reader = new ProtoReader(message);
        while (!reader.End)
        {
            if (!reader.TryTag(out var tag)
                || !(tag == keyValueTag ? reader.TryLengthDelimited(out var keyValue) && KeyValue(keyValue) : reader.TrySkip(tag)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool KeyValue(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoReader(message);
        bool sawValue = false;
        while (!reader.End)
        {
            if (!reader.TryTag(out var tag))
            {
                return false;
            }

            bool ok;
            if (tag == Tags.KeyValueKey)
            {
                ok = Text(ref reader);
            }
            else if (tag == Tags.KeyValueValue)
            {
                ok = !sawValue && reader.TryLengthDelimited(out var value) && AnyValue(value);
                sawValue = true;
            }
            else
            {
                ok = reader.TrySkip(tag);
            }

            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A scalar AnyValue (string, bool, int, double, bytes; the last one sent wins, as in protobuf's oneof).</summary>
    private static bool AnyValue(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoReader(message);
        while (!reader.End)
        {
            if (!reader.TryTag(out var tag) || tag == Tags.AnyArray || tag == Tags.AnyKvlist
                || !(tag == Tags.AnyString ? Text(ref reader) : reader.TrySkip(tag)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A string field: Google.Protobuf refuses one that is not UTF-8.</summary>
    private static bool Text(ref ProtoReader reader) => reader.TryLengthDelimited(out var text) && Utf8.IsValid(text);
}
