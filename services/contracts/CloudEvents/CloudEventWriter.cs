using System.Buffers;
using System.Text.Json;

namespace LogDapr.Contracts.CloudEvents;

/// <summary>
/// Writes the CloudEvents the pipeline publishes (JSON format, structured mode): the attributes in a fixed order,
/// then <c>data</c> as JSON. Pure: the same head and data give the same bytes, which is what lets a publish be retried
/// with the very bytes it was sized on.
/// </summary>
/// <remarks>
/// Hand-written rather than the CNCF SDK (CloudNative.CloudEvents 2.9.0 with its System.Text.Json formatter): on the
/// hot paths the SDK cost far more than the 10% allowed (BenchmarkDotNet, loadtest/microbench CloudEventBenchmarks,
/// see docs/benchmarks/cloudevents-codec.md). It needs the data as a parsed JsonElement to write it as JSON, so
/// encoding a message of 500 events parses the data it has just serialized; and decoding validates attributes the
/// pipeline does not require (a CloudEvent without source would become poison) while copying every attribute.
/// </remarks>
public static class CloudEventWriter
{
    /// <summary>
    /// Writes the CloudEvent's start and attributes, up to and including the name of the <c>data</c> member: the caller
    /// writes the data value and ends the object.
    /// </summary>
    public static void WriteHead(Utf8JsonWriter writer, CloudEventHead head)
    {
        writer.WriteStartObject();
        writer.WriteString(CloudEventAttributes.SpecVersion, CloudEventAttributes.SpecVersion1);
        writer.WriteString(CloudEventAttributes.Id, head.Id);
        writer.WriteString(CloudEventAttributes.Source, head.Source);
        writer.WriteString(CloudEventAttributes.Type, head.Type);
        writer.WriteString(CloudEventAttributes.Time, head.Time.UtcDateTime);
        writer.WriteString(CloudEventAttributes.DataContentType, head.DataContentType);
        WriteIfSet(writer, CloudEventAttributes.DataSchema, head.DataSchema);
        WriteIfSet(writer, CloudEventAttributes.TraceParent, head.TraceParent);
        WriteIfSet(writer, CloudEventAttributes.TraceId, head.TraceId);
        WriteIfSet(writer, CloudEventAttributes.TraceState, head.TraceState);
        writer.WritePropertyName(CloudEventAttributes.Data);
    }

    /// <summary>The whole CloudEvent, its data given as UTF-8 JSON text, in one array of exactly its size.</summary>
    /// <param name="dataOffset">Where <paramref name="jsonData"/> starts in the result.</param>
    public static byte[] Write(CloudEventHead head, ReadOnlySpan<byte> jsonData, out int dataOffset)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteHead(writer, head);
            writer.Flush();
        }

        // The data goes in as it is, then the closing brace: {"specversion":...,"data":<data>}.
        var envelope = new byte[buffer.WrittenCount + jsonData.Length + 1];
        buffer.WrittenSpan.CopyTo(envelope);
        jsonData.CopyTo(envelope.AsSpan(buffer.WrittenCount));
        envelope[^1] = (byte)'}';
        dataOffset = buffer.WrittenCount;
        return envelope;
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
