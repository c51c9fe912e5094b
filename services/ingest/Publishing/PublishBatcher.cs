using System.Threading.Channels;
using Dapr;
using Grpc.Core;
using LogDapr.Configuration.Ingest;
using LogDapr.Configuration.Pipeline;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using LogDapr.ServiceDefaults.Publishing;

namespace LogDapr.Ingest.Publishing;

/// <summary>
/// Joins the publishes of concurrent requests into bulk publishes: a fixed number of workers each take whatever is
/// queued when they become free and send it as one call. A request alone is sent at once (no waiting to fill a
/// batch); under load, one sidecar round trip carries many requests, which is what keeps single-event traffic fast.
/// A call that fails for a reason that may pass (sidecar unreachable, broker error, a bulk that failed after storing
/// part of its entries) is sent again, with the same messages and ids, until the earliest deadline of its requests.
/// </summary>
internal sealed partial class PublishBatcher : IAsyncDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestBackoff = TimeSpan.FromMilliseconds(400);
    private static readonly ResiliencePropertyKey<PublishAttempts> AttemptsKey = new("logdapr.publish.attempts");

    private readonly Channel<PendingPublish> queue = Channel.CreateUnbounded<PendingPublish>(new UnboundedChannelOptions { SingleReader = false });
    private readonly DaprPublishClient dapr;
    private readonly PipelineOptions pipeline;
    private readonly IngestOptions ingest;
    private readonly TimeProvider time;
    private readonly ILogger<PublishBatcher> logger;
    private readonly Task[] workers;
    private readonly ResiliencePipeline retry;

    public PublishBatcher(DaprPublishClient dapr, IOptions<PipelineOptions> pipeline, IOptions<IngestOptions> ingest, TimeProvider time, ILogger<PublishBatcher> logger)
    {
        this.dapr = dapr;
        this.pipeline = pipeline.Value;
        this.ingest = ingest.Value;
        this.time = time;
        this.logger = logger;
        retry = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                // Safe to send again: the messages keep their ids, so one the broker did store (a bulk call can fail
                // after storing part of its entries) is counted once. Answers that will not change are not retried.
                ShouldHandle = new PredicateBuilder().Handle<DaprException>(ex => !IsPermanent(ex)),
                // No count: the earliest deadline of the call's requests (the token) is what ends the retries.
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                Delay = FirstBackoff,
                MaxDelay = LongestBackoff,
                OnRetry = args =>
                {
                    var attempts = args.Context.Properties.GetValue(AttemptsKey, null!);
                    attempts.LastError = (DaprException)args.Outcome.Exception!;
                    attempts.InBackoff = true;
                    LogPublishRetry(this.logger, Describe(attempts.LastError), attempts.Messages, attempts.Number);
                    return default;
                },
            })
            .Build();
        workers = [.. Enumerable.Range(0, this.ingest.PublishConcurrency).Select(_ => Task.Run(RunAsync))];
    }

    /// <summary>Queues the messages of one request; completes when the sidecar confirmed all of them or the deadline passed.</summary>
    public Task<PublishOutcome> PublishAsync(IReadOnlyList<OutgoingCloudEvent> messages, DateTimeOffset deadline)
    {
        var pending = new PendingPublish(messages, deadline);
        if (!queue.Writer.TryWrite(pending))
        {
            pending.Complete(PublishOutcome.NotConfirmed("ingest is shutting down"));
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
        foreach (var bulk in PublishBulks.Split(batch.SelectMany(p => p.Messages), ingest.MaxMessagesPerPublish, ingest.MaxPublishRequestBytes, pipeline.PubSubName, pipeline.Topic))
        {
            if (await PublishBulkAsync(bulk, deadline).ConfigureAwait(false) is { } reason)
            {
                foreach (var message in bulk)
                {
                    failures[message] = reason;
                }
            }
        }

        foreach (var pending in batch)
        {
            var failed = pending.Messages.FirstOrDefault(failures.ContainsKey);
            pending.Complete(failed is null ? PublishOutcome.Published : PublishOutcome.NotConfirmed(failures[failed]));
        }
    }

    /// <returns>Null when the sidecar confirmed every message of the call, else why not.</returns>
    private async Task<string?> PublishBulkAsync(List<OutgoingCloudEvent> bulk, DateTimeOffset deadline)
    {
        var remaining = deadline - time.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            return TimedOut();
        }

        using var timeout = new CancellationTokenSource(remaining, time);
        var attempts = new PublishAttempts(bulk.Count);
        var context = ResilienceContextPool.Shared.Get(timeout.Token);
        context.Properties.Set(AttemptsKey, attempts);
        try
        {
            await retry.ExecuteAsync(
                static async (resilience, state) =>
                {
                    state.Attempts.Number++;
                    state.Attempts.InBackoff = false;
                    await state.Batcher.PublishOnceAsync(state.Bulk, resilience.CancellationToken).ConfigureAwait(false);
                },
                context,
                (Batcher: this, Bulk: bulk, Attempts: attempts)).ConfigureAwait(false);
            if (attempts.Number > 1)
            {
                LogRetrySucceeded(logger, bulk.Count, attempts.Number);
            }

            return null;
        }
        catch (OperationCanceledException)
        {
            // The deadline passed: during a call the sidecar did not answer in time; during a backoff the last answer
            // is the reason.
            var reason = attempts.InBackoff ? Describe(attempts.LastError!) : TimedOut();
            LogPublishFailed(logger, reason, bulk.Count, attempts.Number);
            return reason;
        }
        catch (DaprException ex)
        {
            // Only permanent answers get here: the others are retried until the deadline.
            LogPublishFailed(logger, Describe(ex), bulk.Count, attempts.Number);
            return Describe(ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    // Over gRPC a bulk publish is all or nothing: when any entry fails, daprd answers an error and an empty response
    // (dapr/dapr v1.16.0 pkg/api/grpc/grpc.go), so FailedEntries is never filled in.
    private Task PublishOnceAsync(List<OutgoingCloudEvent> bulk, CancellationToken cancellationToken)
        => dapr.PublishAsync(pipeline.PubSubName, pipeline.Topic, bulk, cancellationToken);

    /// <summary>Answers that the same call will get again however often it is sent: the request or the configuration is wrong.</summary>
    private static bool IsPermanent(DaprException ex) => ex.InnerException is RpcException
    {
        StatusCode: StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.PermissionDenied or StatusCode.Unauthenticated
            or StatusCode.Unimplemented or StatusCode.FailedPrecondition or StatusCode.OutOfRange or StatusCode.ResourceExhausted,
    };

    private string TimedOut() => $"the Dapr sidecar did not confirm the publish within {ingest.PublishTimeout.TotalSeconds:0.###}s";

    private static string Describe(DaprException ex) => ex.InnerException switch
    {
        RpcException { StatusCode: StatusCode.DeadlineExceeded or StatusCode.Cancelled } => "the Dapr sidecar did not confirm the publish in time",
        RpcException { StatusCode: StatusCode.Unavailable } => "the Dapr sidecar is not reachable",
        RpcException { StatusCode: StatusCode.ResourceExhausted } rpc => $"the Dapr sidecar refused the publish as too large: {rpc.Status.Detail}",
        RpcException rpc => $"the Dapr sidecar refused the publish ({rpc.StatusCode}): {rpc.Status.Detail}",
        _ => ex.Message,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publish of {Messages} messages not confirmed after {Attempts} attempts: {Reason}; their requests are answered with 503")]
    private static partial void LogPublishFailed(ILogger logger, string reason, int messages, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Publish of {Messages} messages failed (attempt {Attempt}), sending the same messages again: {Reason}")]
    private static partial void LogPublishRetry(ILogger logger, string reason, int messages, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Publish of {Messages} messages confirmed at attempt {Attempt}")]
    private static partial void LogRetrySucceeded(ILogger logger, int messages, int attempt);

    /// <summary>What the retries of one call have seen so far, for the logs and the answer.</summary>
    private sealed class PublishAttempts(int messages)
    {
        public int Messages { get; } = messages;

        public int Number { get; set; }

        public DaprException? LastError { get; set; }

        public bool InBackoff { get; set; }
    }

    private sealed class PendingPublish(IReadOnlyList<OutgoingCloudEvent> messages, DateTimeOffset deadline)
    {
        private readonly TaskCompletionSource<PublishOutcome> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<OutgoingCloudEvent> Messages { get; } = messages;
        public DateTimeOffset Deadline { get; } = deadline;
        public Task<PublishOutcome> Completion => completion.Task;

        public void Complete(PublishOutcome outcome) => completion.TrySetResult(outcome);
    }
}
