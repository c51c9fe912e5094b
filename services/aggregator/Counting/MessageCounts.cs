namespace LogDapr.Aggregator.Counting;

/// <summary>The counts one message contributes, with the identity the sink de-duplicates it by: its CloudEvent id alone.</summary>
public sealed record MessageCounts(string MessageId, int EventCount, IReadOnlyDictionary<BucketKey, long> Counts);
