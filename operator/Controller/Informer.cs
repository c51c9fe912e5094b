using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LogDapr.Operator.Kubernetes;
using Microsoft.Extensions.Logging;

namespace LogDapr.Operator.Controller;

/// <summary>
/// List-then-watch cache of one resource type (in one namespace, or all), like client-go's reflector + store.
/// Resumes each watch from the last resourceVersion it saw (bookmarks included); when the server answers
/// 410 Gone, it lists again and reports the difference as events so no change is missed.
/// </summary>
public sealed partial class Informer
{
    private readonly IKubeApi api;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<string, JsonObject> cache = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string resourceVersion = "";
    private volatile string? accessProblem;
    private int refusals;

    public Informer(IKubeApi api, ResourceType type, string? @namespace, string? labelSelector, ILogger logger)
    {
        this.api = api;
        Type = type;
        Namespace = @namespace;
        LabelSelector = labelSelector;
        this.logger = logger;
    }

    public ResourceType Type { get; }

    public string? Namespace { get; }

    public string? LabelSelector { get; }

    /// <summary>Called for every change with the new object and the cached previous one (if any), after the cache was updated. Must not block.</summary>
    public Action<WatchEventType, JsonObject, JsonObject?>? OnEvent { get; set; }

    /// <summary>Completes after the first list has filled the cache.</summary>
    public Task Synced => synced.Task;

    /// <summary>Wait after a failed list or watch before trying again.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Wait between lists while the resource type is not served by the API server.</summary>
    public TimeSpan MissingTypeRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between attempts while RBAC refuses the list or watch (the wait doubles from <see cref="RetryDelay"/>).</summary>
    public TimeSpan ForbiddenRetryMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// What RBAC refuses this informer (verb, resource, namespace and the apiserver's message), or null. Until it is
    /// granted, the informer never syncs, so the controller cannot work: the operator's readiness reports it.
    /// </summary>
    public string? AccessProblem => accessProblem;

    /// <summary>How many times a 410 made the informer list again (for tests and logs).</summary>
    public int Relists { get; private set; }

    public IReadOnlyCollection<JsonObject> Items => cache.Values.ToList();

    public bool TryGet(string key, out JsonObject obj) => cache.TryGetValue(key, out obj!);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var needList = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (needList)
                {
                    await ListAsync(cancellationToken).ConfigureAwait(false);
                    needList = false;
                }
                await WatchAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (KubeApiException e) when (e.IsNotFound && needList)
            {
                // The resource type does not exist (e.g. Dapr's CRDs are not installed yet). Nothing of it can
                // exist either, so the empty cache is accurate: report synced (the reconciler then tells the user
                // what is missing) and keep checking for the type to appear.
                LogTypeMissing(logger, Type.ToString());
                synced.TrySetResult();
                try
                {
                    await Task.Delay(MissingTypeRetryDelay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (KubeApiException e) when (e.IsForbidden)
            {
                // Retrying every second would not help and would hide the problem: say once what is missing, make
                // readiness fail, and ask again with a growing delay (a Role may be granted later).
                var verb = needList ? "list" : "watch";
                var scope = Namespace is null ? "all namespaces (cluster scope)" : $"namespace \"{Namespace}\"";
                var problem = $"cannot {verb} {Type} in {scope}: {e.Message}";
                if (problem != accessProblem)
                {
                    LogForbidden(logger, verb, Type.ToString(), Namespace ?? "*", e.Message);
                }
                accessProblem = problem;
                var delay = TimeSpan.FromTicks(Math.Min(ForbiddenRetryMaxDelay.Ticks, RetryDelay.Ticks << Math.Min(refusals++, 16)));
                try
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (KubeApiException e) when (e.IsGone)
            {
                LogRelist(logger, Type.ToString(), Namespace ?? "*", resourceVersion);
                Relists++;
                needList = true;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Anything else (network, timeouts, a malformed event, a refused request): an informer that dies
                // silently would leave the controller blind, so it waits and watches again from where it was.
                LogWatchFailed(logger, e, Type.ToString(), Namespace ?? "*");
                try
                {
                    await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var list = await api.ListAsync(Type, Namespace, LabelSelector, cancellationToken).ConfigureAwait(false);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.Items)
        {
            var key = item.Key();
            seen.Add(key);
            var existed = cache.TryGetValue(key, out var previous);
            cache[key] = item;
            if (!existed)
            {
                OnEvent?.Invoke(WatchEventType.Added, item, null);
            }
            else if (previous!.ResourceVersion() != item.ResourceVersion())
            {
                OnEvent?.Invoke(WatchEventType.Modified, item, previous);
            }
        }
        foreach (var key in cache.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            // Deleted while we were not watching (e.g. during the gap that caused the 410).
            if (cache.TryRemove(key, out var gone))
            {
                OnEvent?.Invoke(WatchEventType.Deleted, gone, gone);
            }
        }
        resourceVersion = list.ResourceVersion;
        Granted();
        synced.TrySetResult();
    }

    /// <summary>The last list or watch was allowed.</summary>
    private void Granted()
    {
        if (accessProblem is not null)
        {
            LogGranted(logger, Type.ToString(), Namespace ?? "*");
        }
        accessProblem = null;
        refusals = 0;
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        // A refused watch fails before its first event; one that delivers anything (bookmarks included) or ends at
        // its timeout was allowed.
        await foreach (var change in api.WatchAsync(Type, Namespace, LabelSelector, resourceVersion, cancellationToken).ConfigureAwait(false))
        {
            Granted();
            if (change.Object.ResourceVersion() is { Length: > 0 } rv)
            {
                resourceVersion = rv;
            }
            if (change.Type == WatchEventType.Bookmark)
            {
                continue;
            }
            var key = change.Object.Key();
            JsonObject? previous;
            if (change.Type == WatchEventType.Deleted)
            {
                cache.TryRemove(key, out previous);
            }
            else
            {
                change.Object["apiVersion"] ??= Type.ApiVersion;
                change.Object["kind"] ??= Type.Kind;
                cache.TryGetValue(key, out previous);
                cache[key] = change.Object;
            }
            OnEvent?.Invoke(change.Type, change.Object, previous);
        }
        Granted();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watch of {Resource} in {Namespace} expired at resourceVersion {ResourceVersion}; listing again")]
    private static partial void LogRelist(ILogger logger, string resource, string @namespace, string resourceVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The API server does not serve {Resource}; treating it as empty and checking again later")]
    private static partial void LogTypeMissing(ILogger logger, string resource);

    [LoggerMessage(Level = LogLevel.Error, Message = "Permission denied: the operator cannot {Verb} {Resource} in namespace {Namespace} ({Detail}). It is not ready until its Role or ClusterRole grants this (see the chart's RBAC); retrying with backoff")]
    private static partial void LogForbidden(ILogger logger, string verb, string resource, string @namespace, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Permission to list and watch {Resource} in namespace {Namespace} granted; continuing")]
    private static partial void LogGranted(ILogger logger, string resource, string @namespace);

    [LoggerMessage(Level = LogLevel.Warning, Message = "List/watch of {Resource} in {Namespace} failed; retrying")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception, string resource, string @namespace);
}
