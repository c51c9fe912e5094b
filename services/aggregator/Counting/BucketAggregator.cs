using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Counting;

/// <summary>Folds one message's events into counts per bucket. Pure.</summary>
public static class BucketAggregator
{
    public static MessageCounts Aggregate(string messageId, IReadOnlyList<LogEvent> events, TimeSpan bucketWidth)
    {
        var counts = new Dictionary<BucketKey, long>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            Add(counts, new BucketKey(e.TenantId, e.Service, e.Severity, Bucketing.Floor(e.Timestamp, bucketWidth)));
        }

        return new MessageCounts(messageId, events.Count, counts);
    }

    /// <summary>The same fold over what a counting decoder keeps of each event.</summary>
    public static MessageCounts Aggregate(string messageId, IReadOnlyList<CountedEvent> events, TimeSpan bucketWidth)
    {
        var counts = new Dictionary<BucketKey, long>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            Add(counts, new BucketKey(e.TenantId, e.Service, e.Severity, Bucketing.Floor(e.Timestamp, bucketWidth)));
        }

        return new MessageCounts(messageId, events.Count, counts);
    }

    /// <summary>The counts of a valid message, from whichever form its decoder kept.</summary>
    public static MessageCounts Aggregate(Decoding.DecodedMessage message, TimeSpan bucketWidth)
        => message.Counted is { } counted
            ? Aggregate(message.MessageId, counted, bucketWidth)
            : Aggregate(message.MessageId, message.Events ?? [], bucketWidth);

    private static void Add(Dictionary<BucketKey, long> counts, BucketKey key)
        => counts[key] = counts.GetValueOrDefault(key) + 1;
}
