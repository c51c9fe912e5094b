namespace LogDapr.DevSidecar.PubSub.Journal;

/// <summary>
/// The state the journal feeds. The writer calls these on its own thread, in journal order, after the records
/// are durable, so in-memory state never runs ahead of what a restart would rebuild.
/// </summary>
public interface IJournalStateMachine
{
    /// <summary>Applies a durable record. <paramref name="tag"/> is what the producer attached (null on replay).</summary>
    void Apply(JournalRecord record, RecordLocation location, object? tag);

    /// <summary>A record that will never be written (its caller cancelled first, or the write failed).</summary>
    void Abandon(JournalRecord record, object? tag);

    /// <summary>Records that re-establish the current subscriptions and sequence at the start of a new segment.</summary>
    IReadOnlyList<JournalRecord> SegmentHeader();

    /// <summary>Messages still live whose payload is stored in <paramref name="segmentId"/>, and their payload bytes on disk.</summary>
    (long Count, long Bytes) LiveIn(int segmentId);

    /// <summary>Relocation copies (payload still empty) of the live messages stored in <paramref name="segmentId"/>.</summary>
    IReadOnlyList<(PublishRecord Record, RecordLocation Location)> RelocationCandidates(int segmentId);
}
