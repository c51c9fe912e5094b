using System.Text.Json;
using System.Text.Json.Serialization;
using Dapr;

namespace LogDapr.ServiceDefaults.Publishing;

/// <summary>
/// A fully formed CloudEvent, serialized once when it is built (<see cref="Envelope"/>): the bytes the sidecar gets
/// are exactly the ones the publish was sized on, and a publish retry sends them again unchanged. It derives from the
/// SDK's <see cref="CloudEvent"/> so the SDK publishes it as application/cloudevents+json, which makes the sidecar
/// keep our id (the exactly-once key) instead of minting its own.
/// </summary>
[JsonConverter(typeof(OutgoingCloudEventConverter))]
public sealed class OutgoingCloudEvent : CloudEvent
{
    /// <summary>The whole CloudEvent as JSON: id, type, time, trace context and the events as data.</summary>
    public required ReadOnlyMemory<byte> Envelope { get; init; }

    /// <summary>The data member alone (<c>{"events":[...]}</c>), a slice of <see cref="Envelope"/>.</summary>
    public required ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Index of the first event of the request (or the delivered message) in this message, and how many it carries.</summary>
    public required int FirstEvent { get; init; }
    public required int EventCount { get; init; }
}

public sealed class OutgoingCloudEventConverter : JsonConverter<OutgoingCloudEvent>
{
    public override OutgoingCloudEvent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => throw new NotSupportedException("OutgoingCloudEvent is write-only.");

    public override void Write(Utf8JsonWriter writer, OutgoingCloudEvent value, JsonSerializerOptions options)
        => writer.WriteRawValue(value.Envelope.Span, skipInputValidation: true);
}
