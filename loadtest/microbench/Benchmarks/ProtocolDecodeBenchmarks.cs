using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using LogDapr.Contracts.Events;
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

    [Params("json", "otlp-protobuf", "otlp-json", "loki-json")]
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
            case "otlp-json":
                var encoding = Protocol == "otlp-json" ? OtlpEncoding.Json : OtlpEncoding.Protobuf;
                var (request, error) = OtlpDecoder.Decode(body, encoding);
                var transcoded = OtlpTranscoder.Transcode(request ?? throw new InvalidOperationException(error), ".", encoding == OtlpEncoding.Json, 64 * 1024 * 1024, 10_000);
                return reader.Read(transcoded.Ndjson!.WrittenSpan, PayloadFormat.Ndjson, ReceivedAt).Accepted.Count;
            default:
                var ndjson = LokiJsonDecoder.Decode(body, "bench-tenant-0", out _, out var lokiError) ?? throw new InvalidOperationException(lokiError);
                return reader.Read(ndjson, PayloadFormat.Ndjson, ReceivedAt).Accepted.Count;
        }
    }

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
