namespace LogDapr.ServiceDefaults.Publishing;

/// <summary>
/// A fully formed CloudEvent, serialized once when it is built (<see cref="Envelope"/>): the bytes the sidecar gets
/// are exactly the ones the publish was sized on, and a publish retry sends them again unchanged.
/// <see cref="DaprPublishClient"/> sends them as application/cloudevents+json, which makes the sidecar keep our id
/// (the exactly-once key) instead of minting its own.
/// </summary>
public sealed class OutgoingCloudEvent
{
    /// <summary>The CloudEvent id: the message id the exactly-once counting keys on.</summary>
    public required string Id { get; init; }

    /// <summary>The whole CloudEvent as JSON: id, type, time, trace context and the events as data.</summary>
    public required ReadOnlyMemory<byte> Envelope { get; init; }

    /// <summary>The data member alone (<c>{"events":[...]}</c>), a slice of <see cref="Envelope"/>.</summary>
    public required ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Index of the first event of the request (or the delivered message) in this message, and how many it carries.</summary>
    public required int FirstEvent { get; init; }
    public required int EventCount { get; init; }
}
