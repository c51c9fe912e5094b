using System.Diagnostics;
using System.Diagnostics.Metrics;
using LogDapr.Contracts.Events;
using LogDapr.Contracts.Events.Encoded;
using LogDapr.Ingest.RateLimiting;
using LogDapr.ServiceDefaults.Observability.Stats;

namespace LogDapr.Ingest.Observability;

/// <summary>
/// Ingest's instruments. Event counters add up: received = accepted + rejected (all reasons) + rate_limited, for
/// every request whose payload could be read; requests refused as a whole are counted per problem type instead.
/// Prometheus names: the dotted name with '_' and a <c>_total</c> suffix for counters, <c>_seconds</c> for durations.
/// </summary>
public sealed class IngestMetrics : IStatsSource
{
    private static readonly InstrumentAdvice<int> BatchBuckets = new() { HistogramBucketBoundaries = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] };

    // The publish timeout is 2 s by default; finer buckets below it, a few above for raised timeouts.
    private static readonly InstrumentAdvice<double> PublishBuckets = new() { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10] };

    private readonly TrackedCounter received;
    private readonly TrackedCounter accepted;
    private readonly TrackedCounter rejected;
    private readonly TrackedCounter rateLimited;
    private readonly TrackedCounter duplicate;
    private readonly TrackedCounter requestsRejected;
    private readonly Histogram<int> batchSize;
    private readonly Histogram<double> publishDuration;
    private readonly UpDownCounter<long> publishesInFlight;
    private readonly ClientRateLimiter limiter;
    private readonly ServiceStats stats;
    private long inFlight;

    public IngestMetrics(IMeterFactory meters, ClientRateLimiter limiter, ServiceStats stats)
    {
        this.limiter = limiter;
        this.stats = stats;
        var meter = meters.Create(IngestTelemetry.Name);
        received = new TrackedCounter(meter, "logdapr.ingest.events.received", "{event}", "Events found in readable request payloads.");
        accepted = new TrackedCounter(meter, "logdapr.ingest.events.accepted", "{event}", "Events the Dapr sidecar confirmed as published (answered 202).");
        rejected = new TrackedCounter(meter, "logdapr.ingest.events.rejected", "{event}", "Events not accepted, by reason: invalid, forbidden_tenant, unpublished.", "reason");
        rateLimited = new TrackedCounter(meter, "logdapr.ingest.events.rate_limited", "{event}", "Valid events refused by the per-client rate limit (429).");
        duplicate = new TrackedCounter(meter, "logdapr.ingest.events.duplicate", "{event}", "Events of requests answered from an earlier outcome (Idempotency-Key replay) and not published again.");
        requestsRejected = new TrackedCounter(meter, "logdapr.ingest.requests.rejected", "{request}", "Requests answered with a problem, by problem type (e.g. invalid_events, payload_too_large, rate_limited).", "reason");
        batchSize = meter.CreateHistogram("logdapr.ingest.batch.size", "{event}", "Events per request payload.", tags: null, BatchBuckets);
        publishDuration = meter.CreateHistogram("logdapr.ingest.publish.duration", "s", "Time from the first publish attempt to the sidecar's answer (or the timeout), by outcome.", tags: null, PublishBuckets);
        publishesInFlight = meter.CreateUpDownCounter<long>("logdapr.ingest.publish.in_flight", "{request}", "Publishes waiting for the sidecar's confirmation.");
        meter.CreateObservableGauge("logdapr.ingest.rate_limiter.degraded", () => limiter.Enabled && limiter.Degraded ? 1 : 0, unit: null,
            "1 while the rate limit is enforced per replica because Redis is unreachable.");
    }

    /// <summary>
    /// Exports every series with a known label set at zero, so dashboards show 0 rather than "No data" and rate() sees
    /// the first increase. Called once the meter provider listens (at host start).
    /// </summary>
    /// <param name="requestRejectionReasons">The problem types the endpoint answers, as <c>reason</c> labels.</param>
    /// <param name="protocols">The <c>protocol</c> label values of the endpoints this replica serves.</param>
    public void StartAtZero(IEnumerable<string> requestRejectionReasons, IEnumerable<string> protocols)
    {
        string[] reasons = [.. requestRejectionReasons];
        foreach (var protocol in protocols)
        {
            var tag = Protocol(protocol);
            received.StartAtZero(tag);
            accepted.StartAtZero(tag);
            rejected.StartAtZero(tag, RejectReasons.Invalid, RejectReasons.ForbiddenTenant, RejectReasons.Unpublished);
            rateLimited.StartAtZero(tag);
            duplicate.StartAtZero(tag);
            requestsRejected.StartAtZero(tag, reasons);
        }
    }

    /// <summary>A payload was read: its events are received, the invalid ones rejected. Unreadable payloads count as requests.</summary>
    public void Parsed(EncodedParseResult parsed, string protocol)
    {
        if (parsed.Error is not null)
        {
            return;
        }

        var tag = Protocol(protocol);
        received.Add(parsed.Total, tag);
        batchSize.Record(parsed.Total, tag);
        rejected.Add(parsed.Rejected.Count, RejectReasons.Invalid, tag);
    }

    public void Forbidden(int events, string protocol) => rejected.Add(events, RejectReasons.ForbiddenTenant, Protocol(protocol));

    public void RateLimited(int events, string protocol) => rateLimited.Add(events, Protocol(protocol));

    public void Published(int acceptedEvents, int unpublishedEvents, string protocol)
    {
        var tag = Protocol(protocol);
        accepted.Add(acceptedEvents, tag);
        rejected.Add(unpublishedEvents, RejectReasons.Unpublished, tag);
    }

    public void Duplicate(long events, string protocol) => duplicate.Add(events, Protocol(protocol));

    public void RequestRejected(string reason, string protocol) => requestsRejected.Add(1, reason, Protocol(protocol));

    private static KeyValuePair<string, object?> Protocol(string protocol) => new("protocol", protocol);

    /// <summary>Call around a publish: counts it in flight until disposed and records its duration with <see cref="PublishTiming.Complete"/>.</summary>
    public PublishTiming StartPublish(Activity? activity)
    {
        Interlocked.Increment(ref inFlight);
        publishesInFlight.Add(1);
        return new PublishTiming(this, activity, Stopwatch.GetTimestamp());
    }

    public void Contribute(StatsSnapshotBuilder snapshot) => snapshot
        .Count("events_received", received.Total)
        .Count("events_accepted", accepted.Total)
        .Count("events_rejected", rejected.ByLabel)
        .Count("events_rate_limited", rateLimited.Total)
        .Count("events_duplicate", duplicate.Total)
        .Count("requests_rejected", requestsRejected.ByLabel)
        .Working("publishes", Interlocked.Read(ref inFlight))
        .Note("rate_limiter", !limiter.Enabled ? "off" : limiter.Degraded ? "degraded: limiting per replica" : "shared through Redis");

    public sealed class PublishTiming : IDisposable
    {
        private readonly IngestMetrics owner;
        private readonly Activity? activity;
        private readonly long started;
        private int done;

        internal PublishTiming(IngestMetrics owner, Activity? activity, long started)
        {
            this.owner = owner;
            this.activity = activity;
            this.started = started;
        }

        /// <param name="notConfirmedReason">Why the sidecar did not confirm the publish; null when it did.</param>
        public void Complete(string? notConfirmedReason)
        {
            var result = notConfirmedReason is null ? "published" : "unavailable";
            owner.publishDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("outcome", result));
            if (notConfirmedReason is not null)
            {
                owner.stats.RecordError("publish", notConfirmedReason);
                activity?.SetStatus(ActivityStatusCode.Error, notConfirmedReason);
                activity?.SetTag("error.type", result);
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref done, 1) == 0)
            {
                Interlocked.Decrement(ref owner.inFlight);
                owner.publishesInFlight.Add(-1);
            }
        }
    }
}
