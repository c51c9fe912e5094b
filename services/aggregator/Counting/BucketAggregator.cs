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
            var key = new BucketKey(e.TenantId, e.Service, e.Severity, Bucketing.Floor(e.Timestamp, bucketWidth));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        return new MessageCounts(messageId, events.Count, counts);
    }
}
