using System.Diagnostics.Metrics;
using LogDapr.Aggregator.Observability;
using LogDapr.ServiceDefaults.Observability.Stats;

namespace LogDapr.Aggregator.Store.Tail;

/// <summary>The live tail's instruments: tails open, tails refused at the limit, events dropped for slow clients.</summary>
public sealed class TailMetrics
{
    private readonly TrackedCounter dropped;
    private readonly TrackedCounter refused;
    private long active;

    public TailMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(AggregatorTelemetry.Name);
        dropped = new TrackedCounter(meter, "logdapr.store.tail.dropped", "{event}", "Tailed events dropped because a client read slower than they arrived (the client is told how many).");
        refused = new TrackedCounter(meter, "logdapr.store.tail.refused", "{request}", "Tails refused with 429 because Store:Tail:MaxConcurrent were open.");
        meter.CreateObservableUpDownCounter("logdapr.store.tail.active", () => Interlocked.Read(ref active), "{tail}", "Live tails open.");
        dropped.StartAtZero();
        refused.StartAtZero();
    }

    public long DroppedTotal => dropped.Total;

    public void Opened() => Interlocked.Increment(ref active);

    public void Closed() => Interlocked.Decrement(ref active);

    public void Dropped(long events) => dropped.Add(events);

    public void Refused() => refused.Add(1);
}
