using System.Diagnostics.Metrics;
using LogDapr.Aggregator.Database;
using LogDapr.ServiceDefaults.Observability.Stats;

namespace LogDapr.Aggregator.Observability;

/// <summary>
/// The aggregator's instruments. In steady state events.processed follows ingest's events.accepted (the "in vs out"
/// of the pipeline); events.duplicate counts redelivered events the exactly-once statement skipped; lag is measured
/// per message when its write returns, from the message's CloudEvent time (ingest's receive time).
/// </summary>
public sealed class AggregatorMetrics : IStatsSource
{
    // From "just written" to "an hour behind": the lag alert's threshold sits in the middle of this range.
    private static readonly InstrumentAdvice<double> LagBuckets = new() { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600] };
    private static readonly InstrumentAdvice<double> WriteBuckets = new() { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] };
    private static readonly InstrumentAdvice<int> DeliveryBuckets = new() { HistogramBucketBoundaries = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000] };

    private readonly TrackedCounter received;
    private readonly TrackedCounter processed;
    private readonly TrackedCounter duplicate;
    private readonly TrackedCounter retried;
    private readonly TrackedCounter deadLettered;
    private readonly TrackedCounter deadLettersStored;
    private readonly TrackedCounter sinkErrors;
    private readonly Histogram<double> lag;
    private readonly Histogram<double> writeDuration;
    private readonly Histogram<int> deliverySize;
    private readonly UpDownCounter<long> deliveriesInFlight;
    private readonly SchemaReadiness schema;
    private readonly ServiceStats stats;
    private long inFlight;

    public AggregatorMetrics(IMeterFactory meters, SchemaReadiness schema, ServiceStats stats)
    {
        this.schema = schema;
        this.stats = stats;
        var meter = meters.Create(AggregatorTelemetry.Name);
        received = new TrackedCounter(meter, "logdapr.aggregator.messages.received", "{message}", "Messages delivered on the logs topic, redeliveries included.");
        processed = new TrackedCounter(meter, "logdapr.aggregator.events.processed", "{event}", "Events counted into Postgres for the first time.");
        duplicate = new TrackedCounter(meter, "logdapr.aggregator.events.duplicate", "{event}", "Events of redelivered messages that were already counted, skipped by the exactly-once write.");
        retried = new TrackedCounter(meter, "logdapr.aggregator.messages.retried", "{message}", "Messages answered RETRY, by reason: sink_unavailable, schema_not_ready.", "reason");
        deadLettered = new TrackedCounter(meter, "logdapr.aggregator.messages.dead_lettered", "{message}", "Messages that cannot be processed, recorded and answered DROP (Dapr moves them to the dead-letter topic).");
        deadLettersStored = new TrackedCounter(meter, "logdapr.aggregator.dead_letters.stored", "{message}", "Arrivals on the dead-letter topic stored in the dead_letters table (poison and retries exhausted).");
        sinkErrors = new TrackedCounter(meter, "logdapr.aggregator.sink.errors", "{error}", "Failed calls of the Postgres output binding.");
        lag = meter.CreateHistogram("logdapr.aggregator.lag", "s", "End-to-end lag: when a message's write returns, now minus its CloudEvent time (ingest's receive time).", tags: null, LagBuckets);
        writeDuration = meter.CreateHistogram("logdapr.aggregator.sink.write.duration", "s", "Duration of Postgres binding calls, by outcome (success, error).", tags: null, WriteBuckets);
        deliverySize = meter.CreateHistogram("logdapr.aggregator.delivery.size", "{message}", "Messages per delivery from Dapr (bulk subscribe).", tags: null, DeliveryBuckets);
        deliveriesInFlight = meter.CreateUpDownCounter<long>("logdapr.aggregator.deliveries.in_flight", "{delivery}", "Deliveries being processed.");

        // Alerts and dashboards rate() these: they must exist before the first failure.
        sinkErrors.StartAtZero();
        retried.StartAtZero(RetryReasons.All);
    }

    public void Delivered(int messages)
    {
        received.Add(messages);
        deliverySize.Record(messages);
    }

    /// <summary>A counts write returned: <paramref name="freshEvents"/> of <paramref name="events"/> were new, the rest duplicates.</summary>
    public void Written(IEnumerable<DateTimeOffset> messageTimes, long events, long freshEvents, DateTimeOffset now)
    {
        freshEvents = Math.Clamp(freshEvents, 0, events);
        processed.Add(freshEvents);
        duplicate.Add(events - freshEvents);
        foreach (var time in messageTimes)
        {
            lag.Record(Math.Max(0, (now - time).TotalSeconds));
        }
    }

    /// <summary>Events of a message delivered twice in one delivery: counted once, the copy skipped.</summary>
    public void DuplicateInDelivery(long events) => duplicate.Add(events);

    public void Retried(int messages, string reason) => retried.Add(messages, reason);

    public void DeadLettered() => deadLettered.Add(1);

    public void DeadLetterStored() => deadLettersStored.Add(1);

    public void SinkCall(TimeSpan elapsed, string? error)
    {
        writeDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", error is null ? "success" : "error"));
        if (error is not null)
        {
            sinkErrors.Add(1);
            stats.RecordError("sink", error);
        }
    }

    /// <summary>Counts a delivery in flight until the returned handle is disposed.</summary>
    public IDisposable DeliveryInFlight()
    {
        Interlocked.Increment(ref inFlight);
        deliveriesInFlight.Add(1);
        return new InFlight(this);
    }

    public void Contribute(StatsSnapshotBuilder snapshot) => snapshot
        .Count("messages_received", received.Total)
        .Count("events_processed", processed.Total)
        .Count("events_duplicate", duplicate.Total)
        .Count("messages_retried", retried.ByLabel)
        .Count("messages_dead_lettered", deadLettered.Total)
        .Count("dead_letters_stored", deadLettersStored.Total)
        .Count("sink_errors", sinkErrors.Total)
        .Working("deliveries", Interlocked.Read(ref inFlight))
        .Note("schema", schema.IsReady ? "migrated" : $"not ready: {schema.LastError}");

    private sealed class InFlight(AggregatorMetrics owner) : IDisposable
    {
        private int done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref done, 1) == 0)
            {
                Interlocked.Decrement(ref owner.inFlight);
                owner.deliveriesInFlight.Add(-1);
            }
        }
    }
}
