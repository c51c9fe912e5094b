using System.Text.Json;
using System.Text.Json.Serialization;
using Dapr;
using LogDapr.Contracts.Events;

namespace LogDapr.Ingest.Publishing;

/// <summary>
/// A fully formed CloudEvent whose data is pre-serialized LogEvent JSON. It derives from the SDK's
/// <see cref="CloudEvent"/> so the SDK publishes it as application/cloudevents+json, which makes the
/// sidecar keep our id (the exactly-once key) instead of minting its own.
/// </summary>
[JsonConverter(typeof(OutgoingCloudEventConverter))]
internal sealed class OutgoingCloudEvent : CloudEvent
{
    public required ReadOnlyMemory<byte> Data { get; init; }
    /// <summary>Index of the first event of the request in this message, and how many it carries.</summary>
    public required int FirstEvent { get; init; }
    public required int EventCount { get; init; }
}

internal sealed class OutgoingCloudEventConverter : JsonConverter<OutgoingCloudEvent>
{
    public override OutgoingCloudEvent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => throw new NotSupportedException("OutgoingCloudEvent is write-only.");

    public override void Write(Utf8JsonWriter writer, OutgoingCloudEvent value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("specversion", "1.0");
        writer.WriteString("id", value.Id);
        writer.WriteString("source", CloudEventTypes.Source);
        writer.WriteString("type", CloudEventTypes.LogBatch);
        writer.WriteString("time", value.Time!.Value.UtcDateTime);
        writer.WriteString("datacontenttype", CloudEventTypes.JsonContentType);
        writer.WriteString("dataschema", CloudEventTypes.DataSchema);
        if (value.TraceParent is not null)
        {
            // The publish's trace context, so the aggregator joins the request's trace. traceid too: Dapr replaces
            // the trace attributes with its own unless traceid is already set.
            writer.WriteString(CloudEventTrace.TraceParent, value.TraceParent);
            writer.WriteString(CloudEventTrace.TraceId, value.TraceId ?? value.TraceParent);
            if (!string.IsNullOrEmpty(value.TraceState))
            {
                writer.WriteString(CloudEventTrace.TraceState, value.TraceState);
            }
        }

        writer.WritePropertyName("data");
        writer.WriteRawValue(value.Data.Span, skipInputValidation: true);
        writer.WriteEndObject();
    }
}
