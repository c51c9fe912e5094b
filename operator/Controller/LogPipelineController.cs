using System.Diagnostics;
using System.Text.Json.Nodes;
using LogDapr.Operator.Diagnostics;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Secrets;
using Microsoft.Extensions.Logging;

namespace LogDapr.Operator.Controller;

/// <summary>
/// The controller loop: informers on LogPipelines and on every owned kind feed one work queue of LogPipeline
/// keys; workers reconcile them. A change to an owned object (a hand edit, a deletion, a Deployment becoming
/// available) enqueues its controlling LogPipeline; a change to a Secret enqueues the LogPipelines that reference it.
/// A periodic resync re-enqueues every pipeline.
/// </summary>
public sealed partial class LogPipelineController : IDisposable
{
    private readonly OperatorOptions options;
    private readonly OperatorMetrics metrics;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly List<Informer> pipelineInformers = [];
    private readonly List<Informer> secretInformers = [];
    private readonly OwnedObjects owned;
    private readonly WorkQueue<string> queue;
    private readonly LogPipelineReconciler reconciler;

    public LogPipelineController(IKubeApi api, OperatorOptions options, OperatorMetrics metrics, TimeProvider time, ILoggerFactory loggerFactory)
    {
        this.options = options;
        this.metrics = metrics;
        this.time = time;
        logger = loggerFactory.CreateLogger<LogPipelineController>();
        queue = new WorkQueue<string>(options.BackoffBase, options.BackoffMax, time);
        IReadOnlyList<string?> namespaces = options.WatchNamespaces.Count == 0 ? [null] : options.WatchNamespaces.Cast<string?>().ToList();
        owned = new OwnedObjects(api, namespaces, options, loggerFactory, EnqueueOwner);
        reconciler = new LogPipelineReconciler(api, owned, metrics, options, time, loggerFactory);
        foreach (var ns in namespaces)
        {
            var informer = new Informer(api, KnownResources.LogPipelines, ns, null, loggerFactory.CreateLogger<Informer>()) { MissingTypeRetryDelay = options.MissingTypeRetry };
            informer.OnEvent = (type, obj, previous) =>
            {
                if (NeedsReconcile(type, obj, previous))
                {
                    queue.Add(obj.Key());
                }
            };
            pipelineInformers.Add(informer);

            // A rotated Secret must roll the pods that read it (their pod template carries a checksum of the values):
            // enqueue the pipelines that referenced it at their last render. Metadata only is kept (SecretMetadataApi).
            var secretInformer = new Informer(new SecretMetadataApi(api), KnownResources.Secrets, ns, null, loggerFactory.CreateLogger<Informer>());
            secretInformer.OnEvent = (_, secret, _) =>
            {
                foreach (var key in reconciler.SecretIndex.Referencing(secret.Namespace() ?? "", secret.Name()))
                {
                    queue.Add(key);
                }
            };
            secretInformers.Add(secretInformer);
        }
    }

    public WorkQueue<string> Queue => queue;

    public IReadOnlyList<Informer> Informers => [.. pipelineInformers, .. owned.Informers, .. secretInformers];

    /// <summary>What RBAC refuses the informers (one line each); the controller does not start working until it is empty.</summary>
    public IReadOnlyList<string> AccessProblems => Informers.Select(i => i.AccessProblem).OfType<string>().ToList();

    /// <summary>Runs until cancelled, then stops taking work and waits for in-flight reconciles to finish.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var informersStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var informerTasks = Informers.Select(i => i.RunAsync(informersStop.Token)).ToList();

        try
        {
            // Workers start once the caches are filled, so pruning never mistakes "not listed yet" for "gone".
            await Task.WhenAll(Informers.Select(i => i.Synced)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await informersStop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(informerTasks).ConfigureAwait(false);
            return;
        }
        LogStarted(logger, options.WatchNamespaces.Count == 0 ? "all namespaces" : string.Join(",", options.WatchNamespaces), options.Workers);

        var workers = Enumerable.Range(0, Math.Max(1, options.Workers)).Select(_ => WorkerAsync(cancellationToken)).ToList();
        var resync = ResyncAsync(cancellationToken);

        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Graceful shutdown: fall through.
        }

        queue.ShutDown();
        await Task.WhenAll(workers).ConfigureAwait(false);
        await resync.ConfigureAwait(false);
        await informersStop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(informerTasks).ConfigureAwait(false);
        LogStopped(logger);
    }

    /// <summary>
    /// Status-only changes of a LogPipeline (most of them the operator's own writes) do not need a reconcile: only
    /// creation, deletion, a new generation (spec) or metadata the operator reads. Like controller-runtime's
    /// GenerationChangedPredicate; the periodic resync covers anything else.
    /// </summary>
    internal static bool NeedsReconcile(WatchEventType type, JsonObject obj, JsonObject? previous)
    {
        if (type != WatchEventType.Modified || previous is null)
        {
            return true;
        }
        return obj.Generation() != previous.Generation()
            || !JsonNode.DeepEquals(obj["metadata"]?["deletionTimestamp"], previous["metadata"]?["deletionTimestamp"])
            || obj.Uid() != previous.Uid();
    }

    private void EnqueueOwner(JsonObject obj)
    {
        if (obj.ControllerOwner() is { } owner
            && owner.GetString("kind") == LogPipeline.KindValue
            && owner.GetString("apiVersion")?.StartsWith(LogPipeline.Group + "/", StringComparison.Ordinal) == true
            && owner.GetString("name") is { } name)
        {
            queue.Add($"{obj.Namespace()}/{name}");
        }
    }

    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(options.ResyncPeriod, time);
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var obj in pipelineInformers.SelectMany(i => i.Items))
                {
                    queue.Add(obj.Key());
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutdown.
        }
    }

    private async Task WorkerAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            // Not the shutdown token: a worker keeps taking keys until the queue itself shuts down.
            var (ok, key) = await queue.GetAsync(CancellationToken.None).ConfigureAwait(false);
            if (!ok)
            {
                return;
            }
            var started = Stopwatch.GetTimestamp();
            try
            {
                var slash = key.IndexOf('/', StringComparison.Ordinal);
                var result = await reconciler.ReconcileAsync(key[..slash], key[(slash + 1)..], cancellationToken).ConfigureAwait(false);
                queue.Forget(key);
                if (result.RequeueAfter is { } delay)
                {
                    queue.AddAfter(key, delay);
                    metrics.RecordReconcile("requeue", Stopwatch.GetElapsedTime(started));
                }
                else
                {
                    metrics.RecordReconcile("success", Stopwatch.GetElapsedTime(started));
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Shutting down mid-reconcile: the next leader (or start) reconciles it again.
            }
            catch (Exception e)
            {
                var reason = e is KubeApiException apiError ? apiError.Reason : e.GetType().Name;
                metrics.RecordReconcile("error", Stopwatch.GetElapsedTime(started));
                metrics.RecordError(reason);
                var delay = queue.AddRateLimited(key);
                LogReconcileFailed(logger, e, key, reason, delay.TotalMilliseconds);
            }
            finally
            {
                queue.Done(key);
            }
        }
    }

    public void Dispose() => queue.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Controller started for {Namespaces} with {Workers} workers")]
    private static partial void LogStarted(ILogger logger, string namespaces, int workers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Controller stopped")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconcile of {Pipeline} failed ({Reason}); retrying in {DelayMs} ms")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception, string pipeline, string reason, double delayMs);
}
