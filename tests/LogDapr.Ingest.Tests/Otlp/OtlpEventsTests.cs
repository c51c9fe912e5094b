using System.Text;
using System.Text.Json;
using CsCheck;
using Google.Protobuf;
using LogDapr.Contracts.Events;
using LogDapr.Ingest.Protocols.Otlp;
using LogDapr.Ingest.Protocols.Otlp.Wire;

namespace LogDapr.Ingest.Tests.Otlp;

/// <summary>
/// OTLP protobuf records read straight into events (<see cref="OtlpEvents"/>) give what transcoding them into LogEvent
/// NDJSON and reading that gives: the same published events, byte for byte, and the same rejections; and read from the
/// message's bytes (<see cref="OtlpProtobufMessage"/>), what Google.Protobuf's parse of the same bytes gives.
/// </summary>
public sealed class OtlpEventsTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    // Small limits, so random records meet every rule.
    private static readonly LogEventLimits Tight = new()
    {
        MaxMessageBytes = 24,
        MaxAttributes = 5,
        MaxAttributeKeyLength = 12,
        MaxAttributeValueBytes = 16,
        MaxTenantIdLength = 8,
        MaxServiceLength = 10,
        MaxHostLength = 8,
        MaxFutureSkew = TimeSpan.FromMinutes(5),
        MaxPastAge = TimeSpan.FromDays(1),
    };

    private static readonly Gen<string> Text = Gen.OneOf("a", "b", "Z", " ", ".", "\n", "\0", "\"", "\\", "é", "😀", "x9", "-", "_")
        .Array[0, 6].Select(string.Concat);

    private static readonly Gen<string> Key = Gen.Frequency(
        (6, Gen.OneOf("a", "b", "a.b", "env", "service.name", "host.name", "tenant_id", "logdapr.tenant_id", "otel.scope.name",
            "otel.severity_text", "", "k\n", "a-very-long-attribute-key")),
        (1, Text));

    private static readonly Gen<ulong> Nanos = Gen.Frequency(
        (2, Gen.Const(0UL)),
        (5, Gen.Long[-600, 600].Select(seconds => (ulong)(ReceivedAt.AddSeconds(seconds).ToUnixTimeMilliseconds() * 1_000_000) + 123)),
        (1, Gen.Long[2, 400].Select(days => (ulong)(ReceivedAt.AddDays(-days).ToUnixTimeMilliseconds() * 1_000_000))),
        (1, Gen.ULong));

    private static readonly Gen<ByteString> IdBytes = Gen.Frequency(
        (3, Gen.Const(ByteString.Empty)),
        (1, Gen.Byte.Array[0, 20].Select(ByteString.CopyFrom)),
        (1, Gen.Const(ByteString.CopyFrom(new byte[16]))),
        (2, Gen.Byte.Array[16].Select(ByteString.CopyFrom)),
        (2, Gen.Byte.Array[8].Select(ByteString.CopyFrom)));

    private static Gen<AnyValue> Value(int depth)
    {
        var scalar = Gen.Frequency(
            (6, Text.Select(s => new AnyValue { StringValue = s })),
            (2, Gen.Bool.Select(b => new AnyValue { BoolValue = b })),
            (2, Gen.Long.Select(i => new AnyValue { IntValue = i })),
            (2, Gen.Double.Select(d => new AnyValue { DoubleValue = d })),
            (1, Gen.Byte.Array[0, 12].Select(b => new AnyValue { BytesValue = ByteString.CopyFrom(b) })),
            (1, Gen.Const(new AnyValue())));
        if (depth == 0)
        {
            return scalar;
        }

        return Gen.Frequency(
            (6, scalar),
            (1, Value(depth - 1).Array[0, 3].Select(values => new AnyValue { ArrayValue = new ArrayValue { Values = { values } } })),
            (1, Attributes(depth - 1).Select(kvs => new AnyValue { KvlistValue = new KeyValueList { Values = { kvs } } })));
    }

    private static Gen<KeyValue[]> Attributes(int depth) =>
        Gen.Select(Key, Value(depth), (key, value) => new KeyValue { Key = key, Value = value }).Array[0, 4];

    private static Gen<LogRecord> Record(int depth) =>
        from time in Nanos
        from observed in Nanos
        from severity in Gen.Int[0, 30]
        from severityText in Gen.OneOf("", "ERROR", "Warning", "loud", "debug")
        from body in Gen.Frequency((6, Text.Select(s => (AnyValue?)new AnyValue { StringValue = s })), (1, Value(depth).Select(v => (AnyValue?)v)), (1, Gen.Const((AnyValue?)null)))
        from traceId in IdBytes
        from spanId in IdBytes
        from eventName in Gen.OneOf("", "order.placed")
        from attributes in Attributes(depth)
        select Build(time, observed, severity, severityText, body, traceId, spanId, eventName, attributes);

    private static Gen<ScopeLogs> Scope(int depth) =>
        from name in Gen.OneOf("", "lib", "lib\n")
        from version in Gen.OneOf("", "1.0")
        from attributes in Attributes(Math.Min(depth, 1))
        from records in Record(depth).Array[0, 4]
        select new ScopeLogs { Scope = new InstrumentationScope { Name = name, Version = version, Attributes = { attributes } }, LogRecords = { records } };

    private static readonly Gen<ExportLogsServiceRequest> Request = RequestOf(2);

    /// <summary>Requests as exporters send them: every value a scalar (no arrays, no kvlists), the shape read from the bytes directly.</summary>
    private static readonly Gen<ExportLogsServiceRequest> ScalarRequest = RequestOf(0);

    private static Gen<ExportLogsServiceRequest> RequestOf(int depth) =>
        Gen.Select(
            Gen.Select(Gen.OneOf("", "api", "  ", "checkout-service-x", "svc\n"), Gen.OneOf((string?)null, "node-1", "", "h\u0001", "a-long-host-name")),
            Gen.OneOf((string?)null, "acme", "", "bad tenant", "a-too-long-tenant"),
            Attributes(Math.Min(depth, 1)),
            Scope(depth).Array[0, 3],
            (names, tenant, resourceAttributes, scopes) =>
            {
                var resource = new Resource { Attributes = { resourceAttributes } };
                if (names.Item1.Length > 0)
                {
                    resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = names.Item1 } });
                }

                if (names.Item2 is { } host)
                {
                    resource.Attributes.Add(new KeyValue { Key = "host.name", Value = new AnyValue { StringValue = host } });
                }

                if (tenant is not null)
                {
                    resource.Attributes.Add(new KeyValue { Key = "logdapr.tenant_id", Value = new AnyValue { StringValue = tenant } });
                }

                return new ResourceLogs { Resource = resource, ScopeLogs = { scopes } };
            }).Array[1, 3].Select(resources => new ExportLogsServiceRequest { ResourceLogs = { resources } });

    private static LogRecord Build(ulong time, ulong observed, int severity, string severityText, AnyValue? body, ByteString traceId,
        ByteString spanId, string eventName, KeyValue[] attributes)
    {
        var record = new LogRecord
        {
            TimeUnixNano = time,
            ObservedTimeUnixNano = observed,
            SeverityNumber = (SeverityNumber)severity,
            SeverityText = severityText,
            TraceId = traceId,
            SpanId = spanId,
            EventName = eventName,
            Attributes = { attributes },
        };
        if (body is not null)
        {
            record.Body = body;
        }

        return record;
    }

    [Fact]
    public void Random_requests_give_the_same_events_and_rejections_directly_as_through_ndjson()
    {
        Gen.Select(Request, Gen.Bool, Gen.Bool).Sample((sent, tight, defaultTenant) =>
        {
            // Through the wire, as ingest gets it.
            var request = ExportLogsServiceRequest.Parser.ParseFrom(sent.ToByteArray());
            var reader = new LogEventReader(tight ? Tight : LogEventLimits.Default);
            var tenant = defaultTenant ? "deflt" : null;

            var expected = Transcoded(reader, request, tenant);
            var actual = Direct(reader, request, tenant);

            Assert.Equal(Render(expected), Render(actual));
        }, iter: 3000);
    }

    [Fact]
    public void Requests_read_from_their_bytes_give_the_events_and_rejections_of_the_parsed_request()
    {
        Gen.Select(Gen.Frequency((3, ScalarRequest), (1, Request)), Gen.Bool, Gen.Bool).Sample((sent, tight, defaultTenant) =>
        {
            var bytes = sent.ToByteArray();
            var reader = new LogEventReader(tight ? Tight : LogEventLimits.Default);
            var tenant = defaultTenant ? "deflt" : null;

            var expected = Direct(reader, ExportLogsServiceRequest.Parser.ParseFrom(bytes), tenant);
            var (message, error) = OtlpProtobufMessage.Decode(bytes);

            Assert.Null(error);
            Assert.Equal(Render(expected), Render(Wire(reader, message!, tenant)));
        }, iter: 3000);
    }

    [Fact]
    public void Requests_as_exporters_send_them_are_read_without_google_protobuf_messages()
    {
        ScalarRequest.Sample(sent => OtlpProtobufMessage.Decode(sent.ToByteArray()).Message!.IsDirect, iter: 500);
        var nested = OtlpRequests.Request("api", null, OtlpRequests.Record("m"));
        nested.ResourceLogs[0].ScopeLogs[0].LogRecords[0].Attributes.Add(new KeyValue
        {
            Key = "list",
            Value = new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { IntValue = 1 } } } },
        });
        Assert.False(OtlpProtobufMessage.Decode(nested.ToByteArray()).Message!.IsDirect);
    }

    [Fact]
    public void Damaged_bytes_are_refused_or_read_exactly_as_google_protobuf_parses_them()
    {
        Gen.Select(ScalarRequest, Gen.Int[0, 4000], Gen.Byte, Gen.Int[0, 3]).Sample((sent, at, value, damage) =>
        {
            var bytes = sent.ToByteArray().ToList();
            var i = bytes.Count == 0 ? 0 : at % bytes.Count;
            switch (damage)
            {
                case 0 when bytes.Count > 0: bytes[i] = value; break;
                case 1: bytes.Insert(i, value); break;
                case 2 when bytes.Count > 0: bytes.RemoveAt(i); break;
                default: bytes.RemoveRange(i, bytes.Count - i); break;
            }

            var damaged = bytes.ToArray();
            var reader = new LogEventReader(LogEventLimits.Default);
            var (parsed, parseError) = OtlpDecoder.Decode(new System.Buffers.ReadOnlySequence<byte>(damaged));
            var (message, error) = OtlpProtobufMessage.Decode(damaged);

            Assert.Equal(parseError, error);
            if (parsed is not null)
            {
                Assert.Equal(Render(Direct(reader, parsed, null)), Render(Wire(reader, message!, null)));
            }
        }, iter: 5000);
    }

    [Fact]
    public void Bytes_read_directly_are_bounded_in_records_and_bytes_as_the_parsed_request()
    {
        var request = OtlpRequests.Request("api", null, [.. Enumerable.Range(0, 50).Select(_ => OtlpRequests.Record("m"))]);
        request.ResourceLogs[0].Resource.Attributes.Add(new KeyValue { Key = "big", Value = new AnyValue { StringValue = new string('x', 1000) } });
        var (message, _) = OtlpProtobufMessage.Decode(request.ToByteArray());

        Assert.True(message!.IsDirect);
        Assert.Equal(OtlpEvents.Of(request, idsAsJson: false, 10_000, 100).Error, message.Events(10_000, 100).Error);
        Assert.Equal(OtlpEvents.Of(request, idsAsJson: false, 100_000, 20).Error, message.Events(100_000, 20).Error);
        Assert.Equal(50, message.Events(100_000, 100).Records);
    }

    [Fact]
    public void A_record_breaking_several_rules_names_each_field_as_the_json_reader_does()
    {
        var record = OtlpRequests.Record(new string('m', 30));
        record.TimeUnixNano = (ulong)ReceivedAt.ToUnixTimeMilliseconds() * 1_000_000;
        record.TraceId = ByteString.CopyFrom(1, 2, 3);
        record.Attributes.Add(new KeyValue { Key = "", Value = new AnyValue { StringValue = "v" } });
        record.Attributes.Add(new KeyValue { Key = "big", Value = new AnyValue { StringValue = new string('v', 17) } });
        record.Attributes.Add(new KeyValue { Key = "nul", Value = new AnyValue { StringValue = "a\0" } });
        var request = OtlpRequests.Request(" ", "bad tenant", record);
        request.ResourceLogs[0].ScopeLogs[0].Scope = null;
        var reader = new LogEventReader(Tight);

        var direct = Direct(reader, request, null);

        var rejected = Assert.Single(direct.Rejected);
        Assert.Equal(
            ["tenant_id", "service", "message", "trace_id", "attributes", "attributes.big", "attributes.nul"],
            rejected.Errors.Select(e => e.Field));
        Assert.Equal(Render(Transcoded(reader, request, null)), Render(direct));
    }

    [Fact]
    public void Records_over_the_batch_limit_refuse_the_payload()
    {
        var request = OtlpRequests.Request("api", null, OtlpRequests.Record("a"), OtlpRequests.Record("b"), OtlpRequests.Record("c"));

        var (events, error) = OtlpEvents.Of(request, idsAsJson: false, 1 << 20, maxRecords: 2);

        Assert.Null(events);
        Assert.Equal(PayloadErrorKind.TooManyEvents, error!.Kind);
        Assert.Contains("3 log records; the limit is 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resource_attributes_repeated_past_the_byte_bound_refuse_the_payload()
    {
        var request = OtlpRequests.Request("api", null, [.. Enumerable.Range(0, 50).Select(_ => OtlpRequests.Record("m"))]);
        request.ResourceLogs[0].Resource.Attributes.Add(new KeyValue { Key = "big", Value = new AnyValue { StringValue = new string('x', 1000) } });

        var (events, error) = OtlpEvents.Of(request, idsAsJson: false, maxBytes: 10_000, maxRecords: 100);

        Assert.Null(events);
        Assert.Equal(PayloadErrorKind.TooManyEvents, error!.Kind);
        Assert.NotNull(OtlpEvents.Of(request, idsAsJson: false, maxBytes: 100_000, maxRecords: 100).Events);
    }

    private static string NewId(int index) => "id-" + index;

    private static ParseResult Transcoded(LogEventReader reader, ExportLogsServiceRequest request, string? tenant)
    {
        var transcoded = OtlpTranscoder.Transcode(request, reader.Mapping.Separator, idsAsJson: false, int.MaxValue - 1, 10_000);
        Assert.Null(transcoded.Error);
        return transcoded.Records == 0
            ? new ParseResult()
            : reader.Read(transcoded.Ndjson!.WrittenSpan, PayloadFormat.Ndjson, ReceivedAt, NewId, tenant);
    }

    private static ParseResult Direct(LogEventReader reader, ExportLogsServiceRequest request, string? tenant)
    {
        var (events, error) = OtlpEvents.Of(request, idsAsJson: false, int.MaxValue - 1, 10_000);
        Assert.Null(error);
        return events!.Records == 0 ? new ParseResult() : events.Read(reader, ReceivedAt, NewId, tenant);
    }

    private static ParseResult Wire(LogEventReader reader, OtlpProtobufMessage message, string? tenant)
    {
        var (events, records, error) = message.Events(int.MaxValue - 1, 10_000);
        Assert.Null(error);
        return records == 0 ? new ParseResult() : events!.Read(reader, ReceivedAt, NewId, tenant);
    }

    /// <summary>The events as they are published (LogEvent v1 JSON), and each rejection with its index and errors.</summary>
    private static string Render(ParseResult result)
    {
        var text = new StringBuilder();
        text.Append(result.Error?.ToString()).Append('\n');
        foreach (var e in result.Accepted)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                LogEventWriter.WriteEvent(writer, e);
            }

            text.Append(e.IdGenerated).Append(' ').Append(Encoding.UTF8.GetString(buffer.WrittenSpan)).Append('\n');
        }

        foreach (var r in result.Rejected)
        {
            text.Append(r.Index).Append(':');
            foreach (var error in r.Errors)
            {
                text.Append(" [").Append(error.Field).Append("] ").Append(error.Message);
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
