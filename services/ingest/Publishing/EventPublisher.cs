using System.Diagnostics;
using LogDapr.Contracts.Events;
using LogDapr.Ingest.Configuration;
using LogDapr.Ingest.Observability;
using LogDapr.ServiceDefaults.Configuration;
using LogDapr.ServiceDefaults.Observability;
using Microsoft.Extensions.Options;

namespace LogDapr.Ingest.Publishing;

/// <summary>
/// Publishes accepted events through the Dapr sidecar and reports what the sidecar confirmed. A request gets
/// its 202 only from <see cref="PublishStatus.Published"/>; everything else is bounded by the publish timeout.
/// </summary>
internal sealed class EventPublisher(
    PublishBatcher batcher,
    IOptions<PipelineOptions> pipeline,
    IOptions<IngestOptions> ingest,
    IngestMetrics metrics,
    TimeProvider time)
{
    private readonly PipelineOptions pipeline = pipeline.Value;
    private readonly IngestOptions ingest = ingest.Value;

    public async Task<PublishOutcome> PublishAsync(IReadOnlyList<LogEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        // The messages carry the publish span's context (or the request's, when no tracer listens) to the aggregator.
        using var activity = IngestTelemetry.StartPublish(pipeline.Topic, events.Count);
        var messages = MessageBuilder.Build(events, receivedAt, ingest.EventsPerMessage, ingest.MaxPublishedMessageBytes,
            ServiceTelemetry.TraceContextOf(activity ?? Activity.Current));
        activity?.SetTag("messaging.batch.message_count", messages.Count);
        using var timing = metrics.StartPublish(activity);
        var outcome = await PublishWithinTimeoutAsync(messages, cancellationToken).ConfigureAwait(false);
        timing.Complete(outcome);
        return outcome;
    }

    private async Task<PublishOutcome> PublishWithinTimeoutAsync(List<OutgoingCloudEvent> messages, CancellationToken cancellationToken)
    {
        var outcome = await batcher.PublishAsync(messages, time.GetUtcNow() + ingest.PublishTimeout).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (outcome.NothingTaken)
        {
            return new PublishOutcome(PublishStatus.Unavailable, outcome.Reason);
        }

        return outcome.Refused.Count == 0
            ? PublishOutcome.Published
            : new PublishOutcome(PublishStatus.Partial, outcome.Reason, [.. outcome.Refused.Select(m => new EventRange(m.FirstEvent, m.EventCount))]);
    }

}
