using System.Diagnostics;
using Dapr;
using Dapr.Client;
using Grpc.Core;
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
public sealed partial class EventPublisher(
    DaprClient dapr,
    IOptions<PipelineOptions> pipeline,
    IOptions<IngestOptions> ingest,
    IngestMetrics metrics,
    ILogger<EventPublisher> logger)
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
        var outcome = await PublishWithinTimeoutAsync(messages, events.Count, cancellationToken).ConfigureAwait(false);
        timing.Complete(outcome);
        return outcome;
    }

    private async Task<PublishOutcome> PublishWithinTimeoutAsync(List<OutgoingCloudEvent> messages, int eventCount, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ingest.PublishTimeout);
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                return await PublishOnceAsync(messages, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                LogPublishTimedOut(logger, ingest.PublishTimeout.TotalMilliseconds, eventCount);
                return new PublishOutcome(PublishStatus.Unavailable, $"the Dapr sidecar did not confirm the publish within {ingest.PublishTimeout.TotalSeconds:0.###}s");
            }
            catch (DaprException ex) when (ex.InnerException is RpcException { StatusCode: StatusCode.Unavailable })
            {
                // The sidecar is unreachable (restarting, or the channel is reconnecting). Retrying within the bound
                // is safe: the messages keep their ids, so one that did arrive is still counted once.
                try
                {
                    await Task.Delay(delay, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    LogPublishFailed(logger, Describe(ex), eventCount);
                    return new PublishOutcome(PublishStatus.Unavailable, Describe(ex));
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(400).Ticks));
            }
            catch (DaprException ex)
            {
                var reason = Describe(ex);
                LogPublishFailed(logger, reason, eventCount);
                return new PublishOutcome(PublishStatus.Unavailable, reason);
            }
        }
    }

    private async Task<PublishOutcome> PublishOnceAsync(List<OutgoingCloudEvent> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 1)
        {
            await dapr.PublishEventAsync(pipeline.PubSubName, pipeline.Topic, messages[0], cancellationToken).ConfigureAwait(false);
            return PublishOutcome.Published;
        }

        var response = await dapr.BulkPublishEventAsync(pipeline.PubSubName, pipeline.Topic, messages, metadata: null, cancellationToken)
            .ConfigureAwait(false);
        if (response.FailedEntries.Count == 0)
        {
            return PublishOutcome.Published;
        }

        var failed = response.FailedEntries
            .Select(f => new EventRange(f.Entry.EventData.FirstEvent, f.Entry.EventData.EventCount))
            .ToList();
        var reason = response.FailedEntries[0].ErrorMessage;
        LogPartialPublish(logger, failed.Count, messages.Count, reason);
        return failed.Count == messages.Count
            ? new PublishOutcome(PublishStatus.Unavailable, reason)
            : new PublishOutcome(PublishStatus.Partial, reason, failed);
    }

    private static string Describe(DaprException ex) => ex.InnerException switch
    {
        RpcException { StatusCode: StatusCode.DeadlineExceeded or StatusCode.Cancelled } => "the Dapr sidecar did not confirm the publish in time",
        RpcException { StatusCode: StatusCode.Unavailable } => "the Dapr sidecar is not reachable",
        RpcException { StatusCode: StatusCode.ResourceExhausted } rpc => $"the broker is full: {rpc.Status.Detail}",
        RpcException rpc => $"the Dapr sidecar refused the publish ({rpc.StatusCode}): {rpc.Status.Detail}",
        _ => ex.Message,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publish timed out after {TimeoutMs} ms; {EventCount} events answered with 503")]
    private static partial void LogPublishTimedOut(ILogger logger, double timeoutMs, int eventCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publish failed: {Reason}; {EventCount} events answered with 503")]
    private static partial void LogPublishFailed(ILogger logger, string reason, int eventCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bulk publish partially failed: {FailedMessages} of {Messages} messages refused: {Reason}")]
    private static partial void LogPartialPublish(ILogger logger, int failedMessages, int messages, string reason);
}
