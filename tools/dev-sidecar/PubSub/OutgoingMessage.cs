using LogDapr.DevSidecar.PubSub.Journal;

namespace LogDapr.DevSidecar.PubSub;

/// <summary>A message ready for the broker: the CloudEvent JSON (or the raw bytes for rawPayload publishes).</summary>
public sealed record OutgoingMessage(ReadOnlyMemory<byte> Payload, MessageFlags Flags);
