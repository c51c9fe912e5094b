using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LogDapr.Operator.ApiValidation;
using LogDapr.Operator.Dapr;
using LogDapr.Operator.Diagnostics;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Secrets;
using LogDapr.Operator.Serialization;
using Microsoft.Extensions.Logging;
using static LogDapr.Operator.Controller.PipelineConditions;

namespace LogDapr.Operator.Controller;

/// <summary>
/// Brings one LogPipeline's objects to the rendered state, in the steps of a controller-runtime reconciler:
/// fetch, render, prerequisites (a supported Dapr, KEDA when backlog scaling is asked for, the referenced Secrets, the
/// app token Secret), apply (everything
/// with one field manager; force: the operator is the authority for the fields it renders, which is also what
/// undoes hand edits), prune what is no longer rendered, status. Level-triggered and idempotent. Deletion needs no
/// code: owner references let the garbage collector remove everything, so there is no finalizer.
/// </summary>
public sealed partial class LogPipelineReconciler
{
    /// <summary>Reason of the Event recorded for each owned object deleted because the pipeline no longer renders it.</summary>
    public const string PrunedReason = "Pruned";

    private readonly IKubeApi api;
    private readonly OwnedObjects owned;
    private readonly OperatorMetrics metrics;
    private readonly OperatorOptions options;
    private readonly ILogger<LogPipelineReconciler> logger;
    private readonly PipelinePrerequisites prerequisites;
    private readonly PipelineStatusWriter status;
    private readonly PipelineSecrets secrets;
    private readonly EventRecorder events;

    public LogPipelineReconciler(IKubeApi api, OwnedObjects owned, OperatorMetrics metrics, OperatorOptions options, TimeProvider time, ILoggerFactory loggerFactory)
    {
        this.api = api;
        this.owned = owned;
        this.metrics = metrics;
        this.options = options;
        logger = loggerFactory.CreateLogger<LogPipelineReconciler>();
        prerequisites = new PipelinePrerequisites(api, new DaprCompatibilityCheck(api, time, options.DaprCheckInterval), logger);
        secrets = new PipelineSecrets(api);
        events = new EventRecorder(api, time, loggerFactory.CreateLogger<EventRecorder>());
        status = new PipelineStatusWriter(api, events, metrics, time, logger);
    }

    /// <summary>The Secrets each pipeline referenced at its last render, for the controller's Secret watch.</summary>
    public SecretReferenceIndex SecretIndex { get; } = new();

    public async Task<ReconcileResult> ReconcileAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var stored = await FetchAsync(@namespace, name, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            metrics.ForgetPipeline($"{@namespace}/{name}");
            SecretIndex.Remove($"{@namespace}/{name}");
            return ReconcileResult.Done("deleted");
        }
        if (stored["metadata"]?["deletionTimestamp"] is not null)
        {
            // Being deleted: the garbage collector removes the owned objects; re-applying them now would race it.
            return ReconcileResult.Done("deleting");
        }

        // Read from the stored object, not the typed one: a spec that does not parse still gets its status.
        var generation = stored["metadata"].GetLong("generation") ?? 0;
        if (PipelineNameRules.Problem(name) is { } nameProblem)
        {
            // Admitted by a CRD without the name rules (created before an upgrade): no derived name would be accepted.
            await status.ReportBlockedAsync(stored, new Blocked(Reasons.InvalidName, nameProblem, Dapr: null), generation, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done(Reasons.InvalidName);
        }
        LogPipeline pipeline;
        RenderResult rendered;
        try
        {
            (pipeline, rendered) = Render(stored);
        }
        catch (InvalidPipelineException e)
        {
            var reason = e.Reason ?? Reasons.InvalidSpec;
            await status.ReportBlockedAsync(stored, new Blocked(reason, e.Message, Dapr: null), generation, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done(reason);
        }

        SecretIndex.Set(pipeline.Key, @namespace, rendered.SecretReferences.Select(s => s.SecretName).Concat(rendered.GeneratedSecrets));
        var (dapr, blocked) = await prerequisites.CheckAsync(pipeline, rendered, cancellationToken).ConfigureAwait(false);
        blocked ??= await secrets.PrepareAsync(pipeline, rendered, dapr, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<V1Deployment> deployments = [];
        if (blocked is null)
        {
            (deployments, blocked) = await ApplyAsync(stored, rendered, dapr, generation, cancellationToken).ConfigureAwait(false);
        }
        if (blocked is not null)
        {
            await status.ReportBlockedAsync(stored, blocked, generation, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.After(options.DependencyRetry, blocked.Reason);
        }

        await PruneAsync(stored, pipeline, rendered, cancellationToken).ConfigureAwait(false);

        var ready = await ReportStatusAsync(stored, rendered, deployments, dapr, generation, cancellationToken).ConfigureAwait(false);
        LogReconciled(logger, pipeline.Key, generation, rendered.Objects.Count, ready);
        return ReconcileResult.Done(ready ? "ready" : "progressing");
    }

    /// <summary>The LogPipeline as stored, or null when it is gone.</summary>
    private async Task<JsonObject?> FetchAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await api.GetAsync(KnownResources.LogPipelines, @namespace, name, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <exception cref="InvalidPipelineException">The spec does not parse or cannot be rendered.</exception>
    private (LogPipeline Pipeline, RenderResult Rendered) Render(JsonObject stored)
    {
        var pipeline = LogPipelineDocuments.FromJson(stored);
        return (pipeline, PipelineRenderer.Render(pipeline, options.Render));
    }

    /// <summary>
    /// Server-side applies every rendered object, in order, and returns the Deployments as the API server answered
    /// (with their status), or what blocks the pipeline when a Dapr CRD went away. Any other failure is reported and
    /// rethrown (retried with backoff).
    /// </summary>
    private async Task<(IReadOnlyList<V1Deployment> Deployments, Blocked? Blocked)> ApplyAsync(JsonObject stored, RenderResult rendered, PipelineCondition dapr, long generation, CancellationToken cancellationToken)
    {
        var deployments = new List<V1Deployment>();
        foreach (var obj in rendered.Objects)
        {
            try
            {
                await ReplicaHandover.HandOverAsync(api, owned, obj, cancellationToken).ConfigureAwait(false);
                await AutoscalerSwitch.RemoveReplacedAsync(api, owned, obj, rendered.Objects, cancellationToken).ConfigureAwait(false);
                var applied = await api.ApplyAsync(obj.Type, obj.Object, OperatorOptions.FieldManager, force: true, cancellationToken).ConfigureAwait(false);
                if (obj.Value is V1Deployment)
                {
                    deployments.Add(KubernetesJson.Deserialize<V1Deployment>(applied.ToJsonString()));
                }
            }
            catch (KubeApiException e) when (e.IsNotFound && obj.Type.Group == "dapr.io")
            {
                // The CRD went away between the check (cached) and the apply, or could not be read.
                var message = $"The Dapr custom resource {obj.Type} is not installed; install Dapr {DaprSupport.MinimumMinor} or later in the cluster (e.g. its Helm chart) first.";
                return ([], new Blocked(Reasons.DaprNotInstalled, message, Make(DaprCompatible, False, Reasons.DaprNotInstalled, message, generation)));
            }
            catch (KubeApiException e) when (e.IsNotFound && obj.Type.Group == KnownResources.KedaScaledObjects.Group)
            {
                var message = KedaCheck.NotInstalledMessage(obj.Type);
                return ([], new Blocked(Reasons.KedaNotInstalled, message, dapr));
            }
            catch (KubeApiException e) when (e.IsUnknownField)
            {
                // Retrying cannot help until the CRD (or Kubernetes) is upgraded; a requeue picks that up.
                var message = $"The API server refused {obj.Type.Kind} {obj.Name} ({obj.Type.ApiVersion}): its schema lacks a field LogDapr renders. {e.Message}. "
                    + (obj.Type.Group == KnownResources.DaprComponents.Group
                        ? $"Install the CRDs of Dapr {DaprSupport.MinimumMinor} or later (helm upgrade does not update Dapr's CRDs)."
                        : "The cluster's Kubernetes is older than the field needs; upgrade it or remove the setting from the LogPipeline.")
                    + (ReferenceEquals(obj, rendered.Objects[0]) ? " Nothing was applied." : " Objects before it in apply order were updated; it and the rest are unchanged.");
                return ([], new Blocked(Reasons.UnknownField, message, dapr));
            }
            catch (KubeApiException e) when (!e.IsConflict)
            {
                var message = $"Applying {obj.Type.Kind} {obj.Name} failed: {e.Message}";
                await status.ReportBlockedAsync(stored, new Blocked(Reasons.ApplyFailed, message, dapr), generation, cancellationToken).ConfigureAwait(false);
                throw;
            }
        }
        return (deployments, null);
    }

    /// <summary>Deletes what the pipeline owns but no longer renders (a PodDisruptionBudget after scaling to one, say).</summary>
    private async Task PruneAsync(JsonObject stored, LogPipeline pipeline, RenderResult rendered, CancellationToken cancellationToken)
    {
        if (pipeline.Metadata.Uid is not { Length: > 0 } uid)
        {
            return;
        }
        var wanted = rendered.Objects.Select(o => (o.Type, o.Name)).ToHashSet();
        foreach (var (type, obj) in owned.OwnedBy(pipeline.Metadata.NamespaceProperty, pipeline.Metadata.Name, uid))
        {
            if (wanted.Contains((type, obj.Name())))
            {
                continue;
            }
            try
            {
                await api.DeleteAsync(type, obj.Namespace(), obj.Name(), cancellationToken).ConfigureAwait(false);
                LogPruned(logger, type.Kind, obj.Name(), pipeline.Key);
                // A deletion is a change to the cluster like any status transition: `kubectl describe` shows it too.
                await events.RecordAsync(stored, EventRecorder.Normal, PrunedReason, $"Deleted {type.Kind} {obj.Name()}: the pipeline no longer renders it.",
                    cancellationToken).ConfigureAwait(false);
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                // Already gone: the cache was behind.
            }
        }
    }

    /// <summary>Ready once every Deployment has rolled out; until then Progressing says what it waits for.</summary>
    private async Task<bool> ReportStatusAsync(JsonObject stored, RenderResult rendered, IReadOnlyList<V1Deployment> deployments, PipelineCondition dapr, long generation, CancellationToken cancellationToken)
    {
        var (ready, waitingFor, stuck) = WorkloadReadiness.Of(deployments);
        var conditions = (ready, stuck.Length > 0) switch
        {
            (true, _) => new[]
            {
                Make(Ready, True, Reasons.Available, "All objects are applied and every workload (ingest, the aggregator and, with storage, the store, with processing, the processor) is available.", generation),
                Make(Progressing, False, Reasons.Complete, "Rollout complete.", generation),
                Make(Degraded, False, Reasons.AsExpected, "No problems.", generation),
                dapr,
            },
            // The Deployment controller gave up waiting: no longer progressing, and it will not fix itself.
            (false, true) => new[]
            {
                Make(Ready, False, Reasons.ProgressDeadlineExceeded, stuck, generation),
                Make(Progressing, False, Reasons.ProgressDeadlineExceeded, stuck, generation),
                Make(Degraded, True, Reasons.ProgressDeadlineExceeded, stuck, generation),
                dapr,
            },
            (false, false) => new[]
            {
                Make(Ready, False, Reasons.RollingOut, waitingFor, generation),
                Make(Progressing, True, Reasons.RollingOut, waitingFor, generation),
                Make(Degraded, False, Reasons.AsExpected, "No problems.", generation),
                dapr,
            },
        };
        await status.WriteAsync(stored, rendered, conditions, cancellationToken).ConfigureAwait(false);
        return ready;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled {Pipeline} generation {Generation}: {ObjectCount} objects applied, ready={Ready}")]
    private static partial void LogReconciled(ILogger logger, string pipeline, long generation, int objectCount, bool ready);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Kind} {Name}, no longer rendered for {Pipeline}")]
    private static partial void LogPruned(ILogger logger, string kind, string name, string pipeline);
}
