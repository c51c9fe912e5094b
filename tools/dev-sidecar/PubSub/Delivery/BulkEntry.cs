using LogDapr.DevSidecar.PubSub.Storage;

namespace LogDapr.DevSidecar.PubSub.Delivery;

/// <summary>One entry of a bulk delivery: the message, its entry id and the event as daprd re-encoded it.</summary>
public sealed record BulkEntry(TopicMessage Message, string EntryId, byte[] Payload, ReadOnlyMemory<byte> Event, string ContentType, string Path);
