using System.Buffers;
using System.Net.Mime;
using System.Runtime.InteropServices;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using LogDapr.Aggregator.Decoding;
using LogDapr.Contracts.CloudEvents;
using LogDapr.Contracts.Events;

namespace LogDapr.MicroBenchmarks.Benchmarks;

/// <summary>
/// The pipeline's hand-written CloudEvent codec (services/contracts/CloudEvents) against the CNCF SDK
/// (CloudNative.CloudEvents 2.9.0 + SystemTextJson) on the two hot paths: encoding one typical ingest message (500
/// events) and decoding one typical bulk delivery (100 such messages). Each path is measured whole (with the LogEvent
/// work around it, what a request or delivery costs) and as the CloudEvent part alone. The SDK runs twice: as it
/// comes, and with a formatter tuned for this use (data written from and read as raw JSON, no copies).
/// </summary>
[MemoryDiagnoser]
public class CloudEventBenchmarks
{
    private static readonly ContentType CloudEventsJson = new(CloudEventTypes.CloudEventContentType);
    private readonly JsonEventFormatter sdk = new();
    private readonly RawJsonEventFormatter tunedSdk = new();
    private readonly LogEventReader reader = new(LogEventLimits.Widest);
    private readonly DeliveryDecoder decoder = new(new LogEventReader(LogEventLimits.Widest));
    private readonly DateTimeOffset now = new(BenchmarkData.Now);
    private IReadOnlyList<LogEvent> events = [];
    private byte[] data = [];
    private byte[] delivery = [];

    [GlobalSetup]
    public void Setup()
    {
        events = reader.Read(BenchmarkData.Batch(), PayloadFormat.Json, now).Accepted;
        data = SerializeData();
        delivery = BenchmarkData.BulkDelivery();
        if (SdkDecodeDelivery() != BenchmarkData.MessagesPerDelivery * BenchmarkData.EventsPerBatch
            || TunedSdkDecodeDelivery() != BenchmarkData.MessagesPerDelivery * BenchmarkData.EventsPerBatch
            || HandWrittenDecodeDelivery() != BenchmarkData.MessagesPerDelivery * BenchmarkData.EventsPerBatch)
        {
            throw new InvalidOperationException("a decoder did not read every event of the delivery");
        }
    }

    // ---- encode: one ingest message (data serialized from the events, then the envelope) ----

    [Benchmark(Description = "encode message, hand-written")]
    [BenchmarkCategory("encode")]
    public int HandWrittenEncodeMessage() => CloudEventWriter.Write(Head(), SerializeData(), out _).Length;

    [Benchmark(Description = "encode message, SDK")]
    [BenchmarkCategory("encode")]
    public int SdkEncodeMessage()
    {
        // The SDK writes JSON data only from a JsonElement (a byte[] becomes data_base64): parse what was just written.
        using var document = JsonDocument.Parse(SerializeData());
        return sdk.EncodeStructuredModeMessage(SdkEvent(document.RootElement), out _).Length;
    }

    [Benchmark(Description = "encode message, SDK tuned (raw data)")]
    [BenchmarkCategory("encode")]
    public int TunedSdkEncodeMessage() => tunedSdk.EncodeStructuredModeMessage(SdkEvent(SerializeData()), out _).Length;

    [Benchmark(Description = "encode envelope only, hand-written")]
    [BenchmarkCategory("encode-envelope")]
    public int HandWrittenEncodeEnvelope() => CloudEventWriter.Write(Head(), data, out _).Length;

    [Benchmark(Description = "encode envelope only, SDK tuned (raw data)")]
    [BenchmarkCategory("encode-envelope")]
    public int TunedSdkEncodeEnvelope() => tunedSdk.EncodeStructuredModeMessage(SdkEvent(data), out _).Length;

    // ---- decode: one bulk delivery of 100 messages x 500 events ----

    [Benchmark(Description = "decode delivery, hand-written (DeliveryDecoder)")]
    [BenchmarkCategory("decode")]
    public int HandWrittenDecodeDelivery() => decoder.Decode(delivery, now)!.Messages.Sum(m => m.Events!.Count);

    [Benchmark(Description = "decode delivery, SDK")]
    [BenchmarkCategory("decode")]
    public int SdkDecodeDelivery() => DecodeWith(sdk, readEvents: true);

    [Benchmark(Description = "decode delivery, SDK tuned (no data copy)")]
    [BenchmarkCategory("decode")]
    public int TunedSdkDecodeDelivery() => DecodeWith(tunedSdk, readEvents: true);

    [Benchmark(Description = "decode CloudEvents only, hand-written (CloudEventReader)")]
    [BenchmarkCategory("decode-envelope")]
    public int HandWrittenDecodeCloudEvents()
    {
        using var document = JsonDocument.Parse(delivery);
        var total = 0;
        foreach (var entry in document.RootElement.GetProperty("entries").EnumerateArray())
        {
            var cloudEvent = entry.GetProperty("event");
            var id = CloudEventReader.GetString(cloudEvent, CloudEventAttributes.Id);
            var time = CloudEventReader.GetString(cloudEvent, CloudEventAttributes.Time);
            var topic = CloudEventReader.GetString(cloudEvent, CloudEventAttributes.Topic);
            var (traceParent, _) = CloudEventReader.TraceContext(cloudEvent);
            if (id is not null && time is not null && Rfc3339.TryParse(time, out _) && CloudEventReader.TryGetData(cloudEvent, out var eventData, out _))
            {
                total += eventData.Length + (topic?.Length ?? 0) + (traceParent?.Length ?? 0);
            }
        }

        return total;
    }

    [Benchmark(Description = "decode CloudEvents only, SDK tuned (no data copy)")]
    [BenchmarkCategory("decode-envelope")]
    public int TunedSdkDecodeCloudEvents() => DecodeWith(tunedSdk, readEvents: false);

    private int DecodeWith(JsonEventFormatter formatter, bool readEvents)
    {
        using var document = JsonDocument.Parse(delivery);
        var total = 0;
        foreach (var entry in document.RootElement.GetProperty("entries").EnumerateArray())
        {
            var cloudEvent = formatter.ConvertFromJsonElement(entry.GetProperty("event"), extensionAttributes: null);
            var eventData = JsonMarshal.GetRawUtf8Value((JsonElement)cloudEvent.Data!);
            total += readEvents
                ? reader.Read(eventData, PayloadFormat.Json, cloudEvent.Time ?? now).Accepted.Count
                : eventData.Length + ((string?)cloudEvent["topic"])?.Length ?? 0;
        }

        return total;
    }

    private byte[] SerializeData()
    {
        var buffer = new ArrayBufferWriter<byte>(128 * 1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            LogEventWriter.WriteBatch(writer, events, 0, events.Count);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private CloudEventHead Head() => new("0192f3a0-0000-7000-8000-000000000001", CloudEventTypes.Source, CloudEventTypes.LogBatch, now, CloudEventTypes.JsonContentType)
    {
        DataSchema = CloudEventTypes.DataSchema,
        TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        TraceId = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    };

    private CloudEvent SdkEvent(object eventData)
    {
        var head = Head();
        var cloudEvent = new CloudEvent
        {
            Id = head.Id,
            Source = new Uri(head.Source, UriKind.RelativeOrAbsolute),
            Type = head.Type,
            Time = head.Time,
            DataContentType = head.DataContentType,
            DataSchema = new Uri(head.DataSchema!),
            Data = eventData,
        };
        cloudEvent[CloudEventAttributes.TraceParent] = head.TraceParent;
        cloudEvent[CloudEventAttributes.TraceId] = head.TraceId;
        return cloudEvent;
    }

    /// <summary>The SDK at its best for this use: data bytes written as they are, data read without a copy.</summary>
    private sealed class RawJsonEventFormatter : JsonEventFormatter
    {
        protected override void EncodeStructuredModeData(CloudEvent cloudEvent, Utf8JsonWriter writer)
        {
            if (cloudEvent.Data is byte[] json)
            {
                writer.WritePropertyName(DataPropertyName);
                writer.WriteRawValue(json, skipInputValidation: true);
                return;
            }

            base.EncodeStructuredModeData(cloudEvent, writer);
        }

        protected override void DecodeStructuredModeDataProperty(JsonElement dataElement, CloudEvent cloudEvent) => cloudEvent.Data = dataElement;
    }
}
