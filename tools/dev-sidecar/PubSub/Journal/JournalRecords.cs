namespace LogDapr.DevSidecar.PubSub.Journal;

/// <summary>How a subscription finished with a message.</summary>
public enum AckOutcome : byte
{
    Delivered = 1,
    DeadLettered = 2,
    Dropped = 3,

    /// <summary>Lost: the entry was trimmed from a Redis stream (maxLenApprox) before it was delivered.</summary>
    Trimmed = 4,
}

/// <summary>Where a subscription came from; programmatic ones are re-validated on every discovery.</summary>
public enum SubscriptionKind : byte
{
    Programmatic = 1,
    Declarative = 2,
}

[Flags]
public enum MessageFlags : byte
{
    None = 0,

    /// <summary>Published with rawPayload=true: the payload is the app's bytes, not a CloudEvent.</summary>
    RawPayload = 1,

    /// <summary>On a relocated record: no subscription existed when it was relocated; it waits for the first.</summary>
    Unassigned = 2,
}

/// <summary>A journal record. The journal is the broker's source of truth: state changes are applied in journal order.</summary>
public abstract record JournalRecord;

/// <summary>Written at the start of every segment so sequence numbers never go backwards after old segments are deleted.</summary>
public sealed record CheckpointRecord(long NextSeq) : JournalRecord;

/// <summary>
/// A message. <see cref="PendingFor"/> is null for a fresh publish (pending for every current subscription) and
/// set on a copy written by compaction: the subscriptions that still owed it at that point.
/// </summary>
public sealed record PublishRecord(long Seq, string PubSub, string Topic, MessageFlags Flags, IReadOnlyList<string>? PendingFor, ReadOnlyMemory<byte> Payload) : JournalRecord;

public sealed record AckRecord(string SubscriptionId, AckOutcome Outcome, IReadOnlyList<long> Seqs) : JournalRecord;

public sealed record SubscribeRecord(string SubscriptionId, string AppId, SubscriptionKind Kind, string SpecJson) : JournalRecord;

public sealed record UnsubscribeRecord(string SubscriptionId) : JournalRecord;

/// <summary>Where a record's payload sits on disk, so payloads evicted from memory can be read back.</summary>
public readonly record struct RecordLocation(int SegmentId, long PayloadOffset, int PayloadLength);
