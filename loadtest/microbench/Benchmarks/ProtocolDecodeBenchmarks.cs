using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using LogDapr.Contracts.Events;
using LogDapr.Ingest.Protocols.Elasticsearch;
using LogDapr.Ingest.Protocols.Loki;
using LogDapr.Ingest.Protocols.Otlp;
using LogDapr.Ingest.Protocols.Otlp.Wire;

namespace LogDapr.MicroBenchmarks.Benchmarks;

/// <summary>
/// What ingest spends per request, per wire protocol, before it publishes: the same 500 generated events (as the load
/// generator sends them) encoded as each protocol's shipper would send them, decoded into validated LogEvents.
/// Events/s per core = 500 / mean. The JSON API is the reference.
/// </summary>
[MemoryDiagnoser]
public class ProtocolDecodeBenchmarks
{
    private static readonly DateTimeOffset ReceivedAt = new(BenchmarkData.Now);

    private readonly LogEventReader reader = new(LogEventLimits.Default);
    private byte[] body = [];

    [Params("json", "otlp-protobuf", "otlp-json", "loki-json", "loki-protobuf", "elasticsearch")]
    public string Protocol { get; set; } = "json";

    [GlobalSetup]
    public void Setup()
    {
        var json = BenchmarkData.Batch();
        var events = reader.Read(json, PayloadFormat.Json, ReceivedAt).Accepted;
        body = Protocol switch
        {
            "json" => json,
            "otlp-protobuf" => Otlp(events).ToByteArray(),
            "otlp-json" => Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(Otlp(events))),
            "loki-json" => LokiJson(events),
            "loki-protobuf" => Snappier.Snappy.CompressToArray(LokiProtobuf(events).ToByteArray()),
            "elasticsearch" => ElasticsearchBulk(events),
            _ => throw new InvalidOperationException(Protocol),
        };
        if (Decode() != events.Count)
        {
            throw new InvalidOperationException($"{Protocol}: the body does not decode into the {events.Count} events it was made of");
        }
    }

    [Benchmark(Description = "decode 500 events into validated LogEvents")]
    public int Decode()
    {
        switch (Protocol)
        {
            case "json":
                return reader.Read(body, PayloadFormat.Json, ReceivedAt).Accepted.Count;
            case "otlp-protobuf":
                // As ingest reads it: the message's bytes straight into validated events, no LogEvent NDJSON between.
                var (otlpMessage, decodeError) = OtlpProtobufMessage.Decode(body);
                var (events, _, eventsError) = (otlpMessage ?? throw new InvalidOperationException(decodeError)).Events(MaxBytes, 10_000);
                return (events ?? throw new InvalidOperationException(eventsError?.Message)).Read(reader, ReceivedAt, null, null).Accepted.Count;
            case "otlp-json":
                var encoding = Protocol == "otlp-json" ? OtlpEncoding.Json : OtlpEncoding.Protobuf;
                var (request, error) = OtlpDecoder.Decode(body, encoding);
                var transcoded = OtlpTranscoder.Transcode(request ?? throw new InvalidOperationException(error), ".", encoding == OtlpEncoding.Json, MaxBytes, 10_000);
                return reader.Read(transcoded.Ndjson!.WrittenSpan, PayloadFormat.Ndjson, ReceivedAt).Accepted.Count;
            case "loki-json":
                return Read(LokiJsonDecoder.Decode(body, "bench-tenant-0", MaxBytes));
            case "loki-protobuf":
                if (LokiSnappy.Decompress(body, MaxBytes, null, out var message, out var snappyError) != LokiSnappy.Status.Ok)
                {
                    throw new InvalidOperationException(snappyError);
                }

                using (message)
                {
                    return Read(LokiProtobufDecoder.Decode(message!.Memory, "bench-tenant-0", MaxBytes));
                }

            default:
                var bulk = BulkDecoder.Decode(body, null, reader.Mapping, 10_000);
                return reader.Read(bulk.Ndjson, PayloadFormat.Ndjson, ReceivedAt).Accepted.Count;
        }
    }

    private const int MaxBytes = 64 * 1024 * 1024;

    private int Read(LokiDecoded decoded)
        => decoded.Error is null ? reader.Read(decoded.Ndjson.Span, PayloadFormat.Ndjson, ReceivedAt).Accepted.Count : throw new InvalidOperationException(decoded.Error);

    /// <summary>One resource per (tenant, service, host), as an SDK per process sends; attributes on the records.</summary>
    private static ExportLogsServiceRequest Otlp(IReadOnlyList<LogEvent> events)
    {
        var request = new ExportLogsServiceRequest();
        foreach (var group in events.GroupBy(e => (e.TenantId, e.Service, e.Host)))
        {
            var resource = new Resource();
            resource.Attributes.Add(Attribute(OtlpTranscoder.ServiceName, group.Key.Service));
            resource.Attributes.Add(Attribute(OtlpTranscoder.TenantAttribute, group.Key.TenantId));
            if (group.Key.Host is { } host)
            {
                resource.Attributes.Add(Attribute(OtlpTranscoder.HostName, host));
            }

            var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "bench" } };
            foreach (var e in group)
            {
                var record = new LogRecord
                {
                    TimeUnixNano = (ulong)((e.Timestamp.ToUnixTimeMilliseconds() * 1_000_000) + (e.Timestamp.Ticks % TimeSpan.TicksPerMillisecond * 100)),
                    SeverityNumber = (SeverityNumber)(1 + (4 * ((int)e.Severity - 1))),
                    Body = new AnyValue { StringValue = e.Message },
                };
                foreach (var (key, value) in e.Attributes)
                {
                    record.Attributes.Add(Attribute(key, value));
                }

                scope.LogRecords.Add(record);
            }

            var resourceLogs = new ResourceLogs { Resource = resource };
            resourceLogs.ScopeLogs.Add(scope);
            request.ResourceLogs.Add(resourceLogs);
        }

        return request;
    }

    /// <summary>The Loki streams of <see cref="LokiJson"/>, as Promtail, Alloy or Vector send them.</summary>
    private static LogDapr.Ingest.Protocols.Loki.Wire.PushRequest LokiProtobuf(IReadOnlyList<LogEvent> events)
    {
        var push = new LogDapr.Ingest.Protocols.Loki.Wire.PushRequest();
        foreach (var group in events.GroupBy(e => (e.Service, e.Severity, e.Host)))
        {
            var labels = $"{{service_name=\"{group.Key.Service}\", level=\"{SeverityNames.ToWire(group.Key.Severity)}\"{(group.Key.Host is { } host ? $", host=\"{host}\"" : "")}}}";
            var stream = new LogDapr.Ingest.Protocols.Loki.Wire.StreamAdapter { Labels = labels };
            foreach (var e in group)
            {
                var entry = new LogDapr.Ingest.Protocols.Loki.Wire.EntryAdapter { Timestamp = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(e.Timestamp), Line = e.Message };
                foreach (var (key, value) in e.Attributes)
                {
                    entry.StructuredMetadata.Add(new LogDapr.Ingest.Protocols.Loki.Wire.LabelPairAdapter { Name = key, Value = value });
                }

                stream.Entries.Add(entry);
            }

            push.Streams.Add(stream);
        }

        return push;
    }

    /// <summary>An index action and an ECS document per event, as Filebeat or Fluent Bit's <c>es</c> output send them.</summary>
    private static byte[] ElasticsearchBulk(IReadOnlyList<LogEvent> events)
    {
        using var output = new MemoryStream();
        foreach (var e in events)
        {
            using (var writer = new Utf8JsonWriter(output))
            {
                writer.WriteStartObject();
                writer.WriteStartObject("create");
                writer.WriteString("_index", $"logs-{e.Service}-{e.TenantId}");
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            output.WriteByte((byte)'\n');
            using (var writer = new Utf8JsonWriter(output))
            {
                writer.WriteStartObject();
                writer.WriteString("@timestamp", e.Timestamp);
                writer.WriteString("message", e.Message);
                writer.WriteStartObject("log");
                writer.WriteString("level", SeverityNames.ToWire(e.Severity));
                writer.WriteEndObject();
                if (e.Host is { } host)
                {
                    writer.WriteStartObject("host");
                    writer.WriteString("name", host);
                    writer.WriteEndObject();
                }

                foreach (var (key, value) in e.Attributes)
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }

            output.WriteByte((byte)'\n');
        }

        return output.ToArray();
    }

    private static KeyValue Attribute(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    /// <summary>One stream per (service, severity, host) of one tenant (Loki pushes carry one tenant); attributes as structured metadata.</summary>
    private static byte[] LokiJson(IReadOnlyList<LogEvent> events)
    {
        using var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("streams");
            foreach (var group in events.GroupBy(e => (e.Service, e.Severity, e.Host)))
            {
                writer.WriteStartObject();
                writer.WriteStartObject("stream");
                writer.WriteString("service_name", group.Key.Service);
                writer.WriteString("level", SeverityNames.ToWire(group.Key.Severity));
                if (group.Key.Host is { } host)
                {
                    writer.WriteString("host", host);
                }

                writer.WriteEndObject();
                writer.WriteStartArray("values");
                foreach (var e in group)
                {
                    writer.WriteStartArray();
                    writer.WriteStringValue(((e.Timestamp.ToUnixTimeMilliseconds() * 1_000_000) + (e.Timestamp.Ticks % TimeSpan.TicksPerMillisecond * 100)).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    writer.WriteStringValue(e.Message);
                    writer.WriteStartObject();
                    foreach (var (key, value) in e.Attributes)
                    {
                        writer.WriteString(key, value);
                    }

                    writer.WriteEndObject();
                    writer.WriteEndArray();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return output.ToArray();
    }
}
