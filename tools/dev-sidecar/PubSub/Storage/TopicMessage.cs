using LogDapr.DevSidecar.PubSub.Journal;

namespace LogDapr.DevSidecar.PubSub.Storage;

/// <summary>
/// A message retained by a topic. <see cref="Pending"/> has one bit per subscription slot that still owes it a
/// successful delivery or dead-lettering; the message completes when that reaches zero. All fields are guarded
/// by the broker lock.
/// </summary>
public sealed class TopicMessage
{
    public required long Seq { get; init; }
    public required MessageFlags Flags { get; init; }
    public long Position { get; set; }
    public ulong Pending { get; set; }

    /// <summary>Published while the topic had no subscription: kept for the first one that arrives.</summary>
    public bool Unassigned { get; set; }

    public bool Complete { get; set; }
    public RecordLocation Location { get; set; }

    /// <summary>The payload when within the memory budget; otherwise null and read back from the journal.</summary>
    public byte[]? Cached { get; set; }

    public bool IsRaw => (Flags & MessageFlags.RawPayload) != 0;
}
