using System.Diagnostics.Metrics;
using LogDapr.Aggregator.Observability;
using LogDapr.Processing;
using LogDapr.ServiceDefaults.Observability.Stats;

namespace LogDapr.Aggregator.Processing.Observability;

/// <summary>
/// The processor role's instruments (meter LogDapr.Aggregator, names logdapr.processing.*): what every rule did, so a
/// rule that drops or redacts more than intended shows at once.
/// </summary>
public sealed class ProcessingMetrics : IStatsSource
{
    private readonly TrackedCounter events;
    private readonly TrackedCounter redactions;
    private readonly TrackedCounter enrichment;
    private readonly TrackedCounter messages;
    private readonly TrackedCounter reloads;
    private string version = "";
    private int valid = 1;

    public ProcessingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(AggregatorTelemetry.Name);
        events = new TrackedCounter(meter, "logdapr.processing.events", "{event}",
            "Events through processing, by outcome: in, changed, dropped (by a drop rule), sampled_out.", "outcome");
        redactions = new TrackedCounter(meter, "logdapr.processing.redactions", "{value}", "Values redacted, by kind (a preset or custom:<name>).", "kind");
        enrichment = new TrackedCounter(meter, "logdapr.processing.enrichment", "{event}", "Events by enrichment outcome: complete, partial, not_needed.", "outcome");
        messages = new TrackedCounter(meter, "logdapr.processing.messages", "{message}",
            "Messages by outcome: published (to the processed topic), empty (every event dropped), dead_lettered (poison, redacted), retried.", "outcome");
        reloads = new TrackedCounter(meter, "logdapr.processing.rules.reloads", "{reload}", "Rule-file changes, by result: applied, refused (invalid: the previous rules stay).", "result");
        meter.CreateObservableGauge("logdapr.processing.rules.valid", () => new Measurement<int>(Volatile.Read(ref valid),
            new KeyValuePair<string, object?>("version", Volatile.Read(ref version))),
            "{boolean}", "1 while the rules file on disk is the rule set in use; 0 when its last change was refused.");
        events.StartAtZero("in", "changed", "dropped", "sampled_out");
        enrichment.StartAtZero("complete", "partial", "not_needed");
        messages.StartAtZero("published", "empty", "dead_lettered", "retried");
        reloads.StartAtZero("applied", "refused");
    }

    public void Processed(ProcessingCounters counters)
    {
        ArgumentNullException.ThrowIfNull(counters);
        events.Add(counters.EventsIn, "in");
        events.Add(counters.EventsChanged, "changed");
        events.Add(counters.EventsDropped, "dropped");
        events.Add(counters.EventsSampledOut, "sampled_out");
        enrichment.Add(counters.EnrichmentComplete, "complete");
        enrichment.Add(counters.EnrichmentPartial, "partial");
        enrichment.Add(counters.EnrichmentNotNeeded, "not_needed");
        foreach (var (kind, count) in counters.Redactions)
        {
            redactions.Add(count, kind);
        }
    }

    public void Messages(string outcome, long count) => messages.Add(count, outcome);

    public void RulesApplied(string rulesVersion)
    {
        Volatile.Write(ref version, rulesVersion);
        Volatile.Write(ref valid, 1);
        reloads.Add(1, "applied");
    }

    public void RulesRefused()
    {
        Volatile.Write(ref valid, 0);
        reloads.Add(1, "refused");
    }

    /// <summary>The version at start-up is not a reload.</summary>
    public void RulesLoaded(string rulesVersion) => Volatile.Write(ref version, rulesVersion);

    public void Contribute(StatsSnapshotBuilder snapshot)
    {
        var byOutcome = events.ByLabel;
        snapshot
            .Count("events_processed", byOutcome.GetValueOrDefault("in"))
            .Count("events_changed", byOutcome.GetValueOrDefault("changed"))
            .Count("events_dropped_by_rule", byOutcome.GetValueOrDefault("dropped"))
            .Count("events_sampled_out", byOutcome.GetValueOrDefault("sampled_out"))
            .Count("values_redacted", redactions.Total);
    }
}
