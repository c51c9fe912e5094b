using System.Diagnostics.Metrics;
using LogDapr.Aggregator.Observability;
using LogDapr.ServiceDefaults.Observability.Stats;

namespace LogDapr.Aggregator.Routing.Observability;

/// <summary>
/// The router role's instruments (meter LogDapr.Aggregator, names logdapr.routing.*), per route: what was sent, how
/// each binding call ended, how long calls take. A route whose receiver is down shows as retry, then dead_lettered.
/// </summary>
public sealed class RoutingMetrics : IStatsSource
{
    public const string Success = "success";
    public const string Retry = "retry";
    public const string DeadLettered = "dead_lettered";

    private readonly Counter<long> events;
    private readonly Counter<long> calls;
    private readonly Histogram<double> duration;
    private readonly TrackedCounter outcomes;
    private readonly TrackedCounter reloads;
    private long sent;
    private int valid = 1;

    public RoutingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(AggregatorTelemetry.Name);
        events = meter.CreateCounter<long>("logdapr.routing.events", "{event}", "Events a route's binding accepted, by route.");
        calls = meter.CreateCounter<long>("logdapr.routing.calls", "{call}",
            "Binding calls by route and outcome: success, retry (failed, tried again), dead_lettered (failed past Routing:MaxAttempts: the route's copy is a dead letter).");
        duration = meter.CreateHistogram<double>("logdapr.routing.call.duration", "s", "Duration of one binding call of a route, failed calls included.");
        outcomes = new TrackedCounter(meter, "logdapr.routing.messages", "{message}",
            "Route copies of messages by outcome: delivered, dead_lettered.", "outcome");
        outcomes.StartAtZero("delivered", DeadLettered);
        reloads = new TrackedCounter(meter, "logdapr.routing.routes.reloads", "{reload}",
            "Routes-file changes, by result: applied, refused (invalid: the routes in use stay).", "result");
        reloads.StartAtZero("applied", "refused");
        meter.CreateObservableGauge("logdapr.routing.routes.valid", () => Volatile.Read(ref valid),
            "{boolean}", "1 while the routes file on disk is the route set in use; 0 when its last change was refused.");
    }

    public void Call(string route, string outcome, TimeSpan elapsed)
    {
        var routeTag = new KeyValuePair<string, object?>("route", route);
        calls.Add(1, routeTag, new KeyValuePair<string, object?>("outcome", outcome));
        duration.Record(elapsed.TotalSeconds, routeTag);
    }

    public void Sent(string route, int count)
    {
        events.Add(count, new KeyValuePair<string, object?>("route", route));
        Interlocked.Add(ref sent, count);
    }

    public void Copy(string outcome) => outcomes.Add(1, outcome);

    public void RoutesApplied()
    {
        Volatile.Write(ref valid, 1);
        reloads.Add(1, "applied");
    }

    public void RoutesRefused()
    {
        Volatile.Write(ref valid, 0);
        reloads.Add(1, "refused");
    }

    public void Contribute(StatsSnapshotBuilder snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var byOutcome = outcomes.ByLabel;
        snapshot
            .Count("events_routed", Interlocked.Read(ref sent))
            .Count("route_copies_dead_lettered", byOutcome.GetValueOrDefault(DeadLettered));
    }
}
