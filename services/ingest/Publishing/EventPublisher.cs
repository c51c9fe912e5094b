using System.Diagnostics;
using LogDapr.Contracts.Events.Encoded;
using LogDapr.Configuration.Ingest;
using LogDapr.Configuration.Pipeline;
using LogDapr.Ingest.Observability;
using LogDapr.ServiceDefaults.Observability;
using Microsoft.Extensions.Options;

namespace LogDapr.Ingest.Publishing;

/// <summary>
/// Publishes accepted events through the Dapr sidecar and reports whether the sidecar confirmed them, within the
/// publish timeout. A request gets its 202 only when every one of its messages was confirmed.
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

    /// <param name="receivedAt">The request's receive time (for a retried keyed request, the first attempt's): the CloudEvent time.</param>
    /// <param name="ids">How the messages get their ids; see <see cref="MessageIdScheme"/>.</param>
    public async Task<PublishOutcome> PublishAsync(EncodedEvents events, DateTimeOffset receivedAt, MessageIdScheme ids, CancellationToken cancellationToken)
    {
        // The messages carry the publish span's context (or the request's, when no tracer listens) to the aggregator.
        using var activity = IngestTelemetry.StartPublish(pipeline.Topic, events.Count);
        var messages = MessageBuilder.Build(events, receivedAt, ingest.EventsPerMessage, ingest.MaxPublishedMessageBytes,
            ServiceTelemetry.TraceContextOf(activity ?? Activity.Current), ids);
        activity?.SetTag("messaging.batch.message_count", messages.Count);
        activity?.SetTag("logdapr.message_ids", ids.Name);
        using var timing = metrics.StartPublish(activity);
        var outcome = await batcher.PublishAsync(messages, time.GetUtcNow() + ingest.PublishTimeout).WaitAsync(cancellationToken).ConfigureAwait(false);
        timing.Complete(outcome.Reason);
        return outcome;
    }
}
