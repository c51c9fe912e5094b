using System.Diagnostics.Metrics;
using LogDapr.Aggregator.Observability;
using LogDapr.ServiceDefaults.Observability.Stats;

namespace LogDapr.Aggregator.Store.Observability;

/// <summary>
/// The store role's instruments (meter LogDapr.Aggregator, names logdapr.store.*). events.stored follows ingest's
/// events.accepted in steady state; lag is accept-to-stored, from each message's CloudEvent time.
/// </summary>
public sealed class StoreMetrics : IStatsSource
{
    private static readonly InstrumentAdvice<double> LagBuckets = new() { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600] };

    private readonly TrackedCounter stored;
    private readonly TrackedCounter duplicate;
    private readonly TrackedCounter skippedPoison;
    private readonly TrackedCounter refused;
    private readonly Histogram<double> lag;

    public StoreMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(AggregatorTelemetry.Name);
        stored = new TrackedCounter(meter, "logdapr.store.events.stored", "{event}", "Events stored in log_events for the first time.");
        duplicate = new TrackedCounter(meter, "logdapr.store.events.duplicate", "{event}", "Events of redelivered or replayed messages already stored, skipped by the exactly-once insert.");
        skippedPoison = new TrackedCounter(meter, "logdapr.store.messages.skipped_poison", "{message}", "Undecodable messages the store acknowledged without storing (the counter dead-letters them).");
        refused = new TrackedCounter(meter, "logdapr.store.messages.refused", "{message}", "Messages with an event Postgres refused to store: recorded as dead letters and dropped.");
        lag = meter.CreateHistogram("logdapr.store.lag", "s", "Accept to searchable: when a message's insert returns, now minus its CloudEvent time (ingest's receive time).", tags: null, LagBuckets);
        refused.StartAtZero();
    }

    /// <summary>An insert returned: <paramref name="freshEvents"/> of <paramref name="events"/> were new, the rest already stored.</summary>
    public void Written(IEnumerable<DateTimeOffset> messageTimes, long events, long freshEvents, DateTimeOffset now)
    {
        freshEvents = Math.Clamp(freshEvents, 0, events);
        stored.Add(freshEvents);
        duplicate.Add(events - freshEvents);
        foreach (var time in messageTimes)
        {
            lag.Record(Math.Max(0, (now - time).TotalSeconds));
        }
    }

    public void SkippedPoison() => skippedPoison.Add(1);

    public void Refused() => refused.Add(1);

    public void Contribute(StatsSnapshotBuilder snapshot) => snapshot
        .Count("events_stored", stored.Total)
        .Count("events_already_stored", duplicate.Total)
        .Count("messages_skipped_poison", skippedPoison.Total)
        .Count("messages_refused_by_store", refused.Total);
}
