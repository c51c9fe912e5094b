namespace LogDapr.Aggregator.Aggregation;

/// <summary>
/// The counts one message contributes, with the identity the sink de-duplicates it by:
/// its CloudEvent id and the UTC day of its CloudEvent time (the dedup partition).
/// </summary>
public sealed record MessageCounts(string MessageId, DateOnly MessageDay, int EventCount, IReadOnlyDictionary<BucketKey, long> Counts);
