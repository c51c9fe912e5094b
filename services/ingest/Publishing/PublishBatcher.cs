using System.Threading.Channels;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using LogDapr.Ingest.Configuration;
using LogDapr.ServiceDefaults.Configuration;
using Microsoft.Extensions.Options;

namespace LogDapr.Ingest.Publishing;

/// <summary>
/// Joins the publishes of concurrent requests into bulk publishes: a fixed number of workers each take whatever is
/// queued when they become free and send it as one call. A request alone is sent at once (no waiting to fill a
/// batch); under load, one sidecar round trip carries many requests, which is what keeps single-event traffic fast.
/// Every message keeps its own id, so each request still learns exactly which of its messages the sidecar took.
/// </summary>
internal sealed partial class PublishBatcher : IAsyncDisposable
{
    private readonly Channel<PendingPublish> queue = Channel.CreateUnbounded<PendingPublish>(new UnboundedChannelOptions { SingleReader = false });
    private readonly DaprClient dapr;
    private readonly PipelineOptions pipeline;
    private readonly IngestOptions ingest;
    private readonly TimeProvider time;
    private readonly ILogger<PublishBatcher> logger;
    private readonly Task[] workers;

    public PublishBatcher(DaprClient dapr, IOptions<PipelineOptions> pipeline, IOptions<IngestOptions> ingest, TimeProvider time, ILogger<PublishBatcher> logger)
    {
        this.dapr = dapr;
        this.pipeline = pipeline.Value;
        this.ingest = ingest.Value;
        this.time = time;
        this.logger = logger;
        workers = [.. Enumerable.Range(0, this.ingest.PublishConcurrency).Select(_ => Task.Run(RunAsync))];
    }

    /// <summary>Queues the messages of one request; completes when the sidecar answered for all of them or the deadline passed.</summary>
    public Task<BatchOutcome> PublishAsync(IReadOnlyList<OutgoingCloudEvent> messages, DateTimeOffset deadline)
    {
        var pending = new PendingPublish(messages, deadline);
        if (!queue.Writer.TryWrite(pending))
        {
            pending.Complete(BatchOutcome.AllFailed("ingest is shutting down"));
        }

        return pending.Completion;
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingPublish>();
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            var messages = 0;
            while (messages < ingest.MaxMessagesPerPublish && queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
                messages += next.Messages.Count;
            }

            if (batch.Count > 0)
            {
                await PublishBatchAsync(batch).ConfigureAwait(false);
            }
        }
    }

    private async Task PublishBatchAsync(List<PendingPublish> batch)
    {
        // The earliest deadline bounds the whole call: a request must have its answer within its own bound.
        var deadline = batch.Min(p => p.Deadline);
        var failures = new Dictionary<OutgoingCloudEvent, string>(ReferenceEqualityComparer.Instance);
        foreach (var bulk in Split(batch.SelectMany(p => p.Messages), ingest.MaxMessagesPerPublish, ingest.MaxPublishRequestBytes))
        {
            foreach (var (message, reason) in await PublishBulkAsync(bulk, deadline).ConfigureAwait(false))
            {
                failures[message] = reason;
            }
        }

        foreach (var pending in batch)
        {
            pending.Complete(BatchOutcome.For(pending.Messages, failures));
        }
    }

    /// <summary>
    /// Splits messages, in order, into calls of at most <paramref name="maxMessages"/> messages and
    /// <paramref name="maxBytes"/> of data (a message larger than that goes alone). Pure.
    /// </summary>
    public static IEnumerable<List<OutgoingCloudEvent>> Split(IEnumerable<OutgoingCloudEvent> messages, int maxMessages, long maxBytes)
    {
        var bulk = new List<OutgoingCloudEvent>();
        long bytes = 0;
        foreach (var message in messages)
        {
            if (bulk.Count > 0 && (bulk.Count >= maxMessages || bytes + message.Data.Length > maxBytes))
            {
                yield return bulk;
                bulk = [];
                bytes = 0;
            }

            bulk.Add(message);
            bytes += message.Data.Length;
        }

        if (bulk.Count > 0)
        {
            yield return bulk;
        }
    }

    /// <returns>The messages the sidecar did not take, with why.</returns>
    private async Task<List<(OutgoingCloudEvent Message, string Reason)>> PublishBulkAsync(List<OutgoingCloudEvent> bulk, DateTimeOffset deadline)
    {
        var remaining = deadline - time.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            return All(bulk, TimedOut());
        }

        using var timeout = new CancellationTokenSource(remaining, time);
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                return await PublishOnceAsync(bulk, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                LogPublishFailed(logger, TimedOut(), bulk.Count);
                return All(bulk, TimedOut());
            }
            catch (DaprException ex) when (ex.InnerException is RpcException { StatusCode: StatusCode.Unavailable })
            {
                // The sidecar is unreachable (restarting, or the channel is reconnecting). Retrying within the bound
                // is safe: the messages keep their ids, so one that did arrive is still counted once.
                try
                {
                    await Task.Delay(delay, time, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    LogPublishFailed(logger, Describe(ex), bulk.Count);
                    return All(bulk, Describe(ex));
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(400).Ticks));
            }
            catch (DaprException ex)
            {
                LogPublishFailed(logger, Describe(ex), bulk.Count);
                return All(bulk, Describe(ex));
            }
        }
    }

    private async Task<List<(OutgoingCloudEvent, string)>> PublishOnceAsync(List<OutgoingCloudEvent> bulk, CancellationToken cancellationToken)
    {
        if (bulk.Count == 1)
        {
            await dapr.PublishEventAsync(pipeline.PubSubName, pipeline.Topic, bulk[0], cancellationToken).ConfigureAwait(false);
            return [];
        }

        var response = await dapr.BulkPublishEventAsync(pipeline.PubSubName, pipeline.Topic, bulk, metadata: null, cancellationToken).ConfigureAwait(false);
        if (response.FailedEntries.Count > 0)
        {
            LogPartialPublish(logger, response.FailedEntries.Count, bulk.Count, response.FailedEntries[0].ErrorMessage);
        }

        return [.. response.FailedEntries.Select(f => (f.Entry.EventData, f.ErrorMessage))];
    }

    private string TimedOut() => $"the Dapr sidecar did not confirm the publish within {ingest.PublishTimeout.TotalSeconds:0.###}s";

    private static List<(OutgoingCloudEvent, string)> All(List<OutgoingCloudEvent> bulk, string reason) => [.. bulk.Select(m => (m, reason))];

    private static string Describe(DaprException ex) => ex.InnerException switch
    {
        RpcException { StatusCode: StatusCode.DeadlineExceeded or StatusCode.Cancelled } => "the Dapr sidecar did not confirm the publish in time",
        RpcException { StatusCode: StatusCode.Unavailable } => "the Dapr sidecar is not reachable",
        RpcException { StatusCode: StatusCode.ResourceExhausted } rpc => $"the broker is full: {rpc.Status.Detail}",
        RpcException rpc => $"the Dapr sidecar refused the publish ({rpc.StatusCode}): {rpc.Status.Detail}",
        _ => ex.Message,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publish of {Messages} messages failed: {Reason}; their requests are answered with 503")]
    private static partial void LogPublishFailed(ILogger logger, string reason, int messages);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bulk publish partially failed: {FailedMessages} of {Messages} messages refused: {Reason}")]
    private static partial void LogPartialPublish(ILogger logger, int failedMessages, int messages, string reason);

    private sealed class PendingPublish(IReadOnlyList<OutgoingCloudEvent> messages, DateTimeOffset deadline)
    {
        private readonly TaskCompletionSource<BatchOutcome> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<OutgoingCloudEvent> Messages { get; } = messages;
        public DateTimeOffset Deadline { get; } = deadline;
        public Task<BatchOutcome> Completion => completion.Task;

        public void Complete(BatchOutcome outcome) => completion.TrySetResult(outcome);
    }
}

/// <summary>What the sidecar did with one request's messages: the ones it refused, and why.</summary>
/// <param name="NothingTaken">True when the sidecar took none of the request's messages.</param>
internal sealed record BatchOutcome(IReadOnlyList<OutgoingCloudEvent> Refused, string? Reason, bool NothingTaken)
{
    public static BatchOutcome AllFailed(string reason) => new([], reason, NothingTaken: true);

    public static BatchOutcome For(IReadOnlyList<OutgoingCloudEvent> messages, Dictionary<OutgoingCloudEvent, string> failures)
    {
        var refused = messages.Where(failures.ContainsKey).ToList();
        return new BatchOutcome(refused, refused.Count == 0 ? null : failures[refused[0]], refused.Count == messages.Count);
    }
}
