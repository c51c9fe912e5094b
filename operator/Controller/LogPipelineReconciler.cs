using System.Security.Cryptography;
using System.Text.Json.Nodes;
using LogDapr.Operator.Dapr;
using LogDapr.Operator.Diagnostics;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Serialization;
using Microsoft.Extensions.Logging;
using static LogDapr.Operator.Controller.PipelineConditions;

namespace LogDapr.Operator.Controller;

/// <summary>
/// Brings one LogPipeline's objects to the rendered state. Level-triggered and idempotent: it reads the current
/// LogPipeline, renders, checks preconditions (a supported Dapr, the referenced Secrets, the app token Secret),
/// applies everything with one field manager (force: the operator is the authority for the fields it renders,
/// which is also what undoes hand edits), prunes what is no longer rendered, and writes status. Deletion needs no
/// code: owner references let the garbage collector remove everything, so there is no finalizer.
/// </summary>
public sealed partial class LogPipelineReconciler
{
    private readonly IKubeApi api;
    private readonly IOwnedObjectIndex owned;
    private readonly EventRecorder events;
    private readonly OperatorMetrics metrics;
    private readonly OperatorOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<LogPipelineReconciler> logger;
    private readonly DaprCompatibilityCheck daprCheck;

    public LogPipelineReconciler(
        IKubeApi api,
        IOwnedObjectIndex owned,
        EventRecorder events,
        OperatorMetrics metrics,
        OperatorOptions options,
        TimeProvider time,
        ILogger<LogPipelineReconciler> logger)
    {
        this.api = api;
        this.owned = owned;
        this.events = events;
        this.metrics = metrics;
        this.options = options;
        this.time = time;
        this.logger = logger;
        daprCheck = new DaprCompatibilityCheck(api, time, options.DaprCheckInterval);
    }

    public async Task<ReconcileResult> ReconcileAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var key = $"{@namespace}/{name}";
        JsonObject current;
        try
        {
            current = await api.GetAsync(KnownResources.LogPipelines, @namespace, name, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            metrics.ForgetPipeline(key);
            return ReconcileResult.Done("deleted");
        }

        if (current["metadata"]?["deletionTimestamp"] is not null)
        {
            // Being deleted: the garbage collector removes the owned objects; re-applying them now would race it.
            return ReconcileResult.Done("deleting");
        }

        var generation = current["metadata"].GetLong("generation") ?? 0;
        LogPipeline pipeline;
        RenderResult rendered;
        try
        {
            pipeline = LogPipelineDocuments.FromJson(current);
            rendered = PipelineRenderer.Render(pipeline, options.Render);
        }
        catch (InvalidPipelineException e)
        {
            await ReportBlockedAsync(current, Reasons.InvalidSpec, e.Message, generation, dapr: null, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done(Reasons.InvalidSpec);
        }

        // Preconditions before any write, so an unsupported Dapr or a bad reference leaves the running pipeline
        // exactly as it was.
        var compatibility = await daprCheck.CheckAsync(rendered.Objects, cancellationToken).ConfigureAwait(false);
        var dapr = Make(DaprCompatible, compatibility.Status, compatibility.Reason, compatibility.Message, generation);
        if (compatibility.Blocks)
        {
            await ReportBlockedAsync(current, compatibility.Reason, compatibility.Message, generation, dapr, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.After(options.DependencyRetry, compatibility.Reason);
        }

        var missing = await FindMissingSecretsAsync(@namespace, rendered.SecretReferences, cancellationToken).ConfigureAwait(false)
            ?? await EnsureAppTokenSecretAsync(pipeline, rendered, cancellationToken).ConfigureAwait(false);
        if (missing is not null)
        {
            await ReportBlockedAsync(current, missing.Value.Reason, missing.Value.Message, generation, dapr, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.After(options.DependencyRetry, missing.Value.Reason);
        }

        var applied = new List<(ResourceType Type, JsonObject Object)>();
        foreach (var obj in rendered.Objects)
        {
            try
            {
                var result = await api.ApplyAsync(obj.Type, obj.Object, OperatorOptions.FieldManager, force: true, cancellationToken).ConfigureAwait(false);
                applied.Add((obj.Type, result));
            }
            catch (KubeApiException e) when (e.IsNotFound && obj.Type.Group == "dapr.io")
            {
                // The CRD went away between the check (cached) and the apply, or could not be read.
                var message = $"The Dapr custom resource {obj.Type} is not installed; install Dapr {DaprSupport.MinimumMinor} or later in the cluster (e.g. its Helm chart) first.";
                var notInstalled = Make(DaprCompatible, False, Reasons.DaprNotInstalled, message, generation);
                await ReportBlockedAsync(current, Reasons.DaprNotInstalled, message, generation, notInstalled, cancellationToken).ConfigureAwait(false);
                return ReconcileResult.After(options.DependencyRetry, Reasons.DaprNotInstalled);
            }
            catch (KubeApiException e) when (!e.IsConflict)
            {
                var message = $"Applying {obj.Type.Kind} {obj.Name} failed: {e.Message}";
                await ReportBlockedAsync(current, Reasons.ApplyFailed, message, generation, dapr, cancellationToken).ConfigureAwait(false);
                throw;
            }
        }

        await PruneAsync(pipeline, rendered, cancellationToken).ConfigureAwait(false);

        var (ready, waitingFor) = WorkloadsReady(applied);
        var conditions = ready
            ? new[]
            {
                Make(Ready, True, Reasons.Available, "All objects are applied and ingest and the aggregator are available.", generation),
                Make(Progressing, False, Reasons.Complete, "Rollout complete.", generation),
                Make(Degraded, False, Reasons.AsExpected, "No problems.", generation),
                dapr,
            }
            : new[]
            {
                Make(Ready, False, Reasons.RollingOut, waitingFor, generation),
                Make(Progressing, True, Reasons.RollingOut, waitingFor, generation),
                Make(Degraded, False, Reasons.AsExpected, "No problems.", generation),
                dapr,
            };

        await UpdateStatusAsync(current, rendered, conditions, cancellationToken).ConfigureAwait(false);
        LogReconciled(logger, key, generation, rendered.Objects.Count, ready);
        return ReconcileResult.Done(ready ? "ready" : "progressing");
    }

    /// <summary>Each referenced Secret must exist and hold the key; the first problem found is reported.</summary>
    private async Task<(string Reason, string Message)?> FindMissingSecretsAsync(string @namespace, IReadOnlyList<SecretReference> references, CancellationToken cancellationToken)
    {
        var secrets = new Dictionary<string, JsonObject?>(StringComparer.Ordinal);
        foreach (var reference in references)
        {
            if (!secrets.TryGetValue(reference.SecretName, out var secret))
            {
                try
                {
                    secret = await api.GetAsync(KnownResources.Secrets, @namespace, reference.SecretName, cancellationToken).ConfigureAwait(false);
                }
                catch (KubeApiException e) when (e.IsNotFound)
                {
                    secret = null;
                }
                secrets[reference.SecretName] = secret;
            }
            if (secret is null)
            {
                return (Reasons.SecretNotFound, $"Secret \"{reference.SecretName}\" (referenced by {reference.FieldPath}) does not exist in namespace \"{@namespace}\". Create it; the pipeline is left unchanged until then.");
            }
            if (reference.Key is { } k && secret["data"]?[k] is null)
            {
                return (Reasons.SecretKeyNotFound, $"Secret \"{reference.SecretName}\" has no key \"{k}\" (referenced by {reference.FieldPath}). Add the key; the pipeline is left unchanged until then.");
            }
        }
        return null;
    }

    /// <summary>
    /// Creates the pipeline's app token Secret when the spec names none and it does not exist yet: a random 256-bit
    /// token, owned by the LogPipeline. An existing Secret is never written, so a token is never changed under running
    /// pods (and one rotated by hand stays); one without the key is reported instead.
    /// </summary>
    private async Task<(string Reason, string Message)?> EnsureAppTokenSecretAsync(LogPipeline pipeline, RenderResult rendered, CancellationToken cancellationToken)
    {
        if (rendered.GeneratedAppTokenSecret is not { } name)
        {
            return null;
        }
        var @namespace = pipeline.Metadata.NamespaceProperty!;
        JsonObject existing;
        try
        {
            existing = await api.GetAsync(KnownResources.Secrets, @namespace, name, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            var secret = AppToken.Secret(pipeline, new ResourceNames(pipeline.Metadata.Name), RandomNumberGenerator.GetHexString(64, lowercase: true));
            try
            {
                await api.CreateAsync(KnownResources.Secrets, secret, cancellationToken).ConfigureAwait(false);
                LogAppTokenCreated(logger, name, pipeline.Key);
                return null;
            }
            catch (KubeApiException conflict) when (conflict.IsConflict)
            {
                // Created meanwhile (another operator replica, or a user): use that one, as it is.
                existing = await api.GetAsync(KnownResources.Secrets, @namespace, name, cancellationToken).ConfigureAwait(false);
            }
        }
        if (existing["data"]?[AppToken.SecretKey] is null)
        {
            return (Reasons.SecretKeyNotFound,
                $"Secret \"{name}\" has no key \"{AppToken.SecretKey}\" for the Dapr app token. The operator creates this Secret when spec.aggregator.appTokenSecretName is unset, and never overwrites an existing one: "
                + $"delete it (the operator then creates it with a random token), add the key, or name another Secret in spec.aggregator.appTokenSecretName. The pipeline is left unchanged until then.");
        }
        return null;
    }

    private async Task PruneAsync(LogPipeline pipeline, RenderResult rendered, CancellationToken cancellationToken)
    {
        if (pipeline.Metadata.Uid is not { Length: > 0 } uid)
        {
            return;
        }
        var wanted = rendered.Objects.Select(o => (o.Type, o.Name)).ToHashSet();
        foreach (var (type, obj) in owned.OwnedBy(pipeline.Metadata.NamespaceProperty!, pipeline.Metadata.Name, uid))
        {
            if (wanted.Contains((type, obj.Name())))
            {
                continue;
            }
            try
            {
                await api.DeleteAsync(type, obj.Namespace(), obj.Name(), cancellationToken).ConfigureAwait(false);
                LogPruned(logger, type.Kind, obj.Name(), pipeline.Key);
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                // Already gone: the cache was behind.
            }
        }
    }

    private static (bool Ready, string WaitingFor) WorkloadsReady(IEnumerable<(ResourceType Type, JsonObject Object)> applied)
    {
        var waiting = new List<string>();
        foreach (var (type, deployment) in applied.Where(a => a.Type == KnownResources.Deployments))
        {
            var desired = deployment["spec"].GetLong("replicas") ?? 1;
            var status = deployment["status"];
            var observed = status.GetLong("observedGeneration") ?? 0;
            var updated = status.GetLong("updatedReplicas") ?? 0;
            var available = status.GetLong("availableReplicas") ?? 0;
            if (observed < (deployment["metadata"].GetLong("generation") ?? 0) || updated < desired || available < desired)
            {
                waiting.Add($"Deployment {deployment.Name()}: {available}/{desired} replicas available");
            }
        }
        return waiting.Count == 0 ? (true, "") : (false, "Waiting for " + string.Join("; ", waiting) + ".");
    }

    /// <param name="dapr">The DaprCompatible condition, or null to keep the previous one (nothing was checked).</param>
    private async Task ReportBlockedAsync(JsonObject current, string reason, string message, long generation, PipelineCondition? dapr, CancellationToken cancellationToken)
    {
        LogBlocked(logger, current.Key(), reason, message);
        metrics.RecordError(reason);
        var conditions = new List<PipelineCondition>
        {
            Make(Ready, False, reason, message, generation),
            Make(Progressing, False, reason, message, generation),
            Make(Degraded, True, reason, message, generation),
        };
        if (dapr is not null)
        {
            conditions.Add(dapr);
        }
        await UpdateStatusAsync(current, null, conditions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes status through the status subresource, with the resourceVersion that was read as a precondition:
    /// if the LogPipeline changed meanwhile the write fails with 409 and the key is retried with fresh data.
    /// Emits an Event when Ready changes reason, not on every pass, so a stuck pipeline does not flood events.
    /// </summary>
    private async Task UpdateStatusAsync(JsonObject current, RenderResult? rendered, IReadOnlyList<PipelineCondition> computed, CancellationToken cancellationToken)
    {
        var previous = current["status"] is JsonObject previousJson
            ? OperatorJson.FromJson<LogPipelineStatus>(previousJson)
            : null;
        var status = new LogPipelineStatus
        {
            ObservedGeneration = current["metadata"].GetLong("generation"),
            Conditions = Merge(previous?.Conditions, computed, time.GetUtcNow()),
            // Keep what was reported before when the pipeline is blocked: those objects still exist.
            IngestEndpoint = rendered?.IngestEndpoint ?? previous?.IngestEndpoint,
            QueryEndpoint = rendered?.QueryEndpoint ?? previous?.QueryEndpoint,
            PubsubComponent = rendered?.PubSubComponent ?? previous?.PubsubComponent,
            Topic = rendered?.Topic ?? previous?.Topic,
            Objects = rendered is not null ? rendered.References().ToList() : previous?.Objects,
        };

        metrics.SetConditions(current.Key(), status.Conditions.ToDictionary(c => c.Type, c => c.Status));

        var statusJson = OperatorJson.ToJsonObject(status);
        if (current["status"] is JsonObject existing && JsonNode.DeepEquals(existing, statusJson))
        {
            return;
        }

        var update = current.DeepClone().AsObject();
        update["status"] = statusJson;
        await api.ReplaceStatusAsync(KnownResources.LogPipelines, update, cancellationToken).ConfigureAwait(false);

        var readyBefore = previous?.Conditions?.FirstOrDefault(c => c.Type == Ready);
        var readyNow = status.Conditions.First(c => c.Type == Ready);
        if (readyBefore?.Status != readyNow.Status || readyBefore?.Reason != readyNow.Reason)
        {
            var type = readyNow.Status == True || readyNow.Reason == Reasons.RollingOut ? EventRecorder.Normal : EventRecorder.Warning;
            await events.RecordAsync(current, type, readyNow.Reason ?? "", readyNow.Message ?? "", cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled {Pipeline} generation {Generation}: {ObjectCount} objects applied, ready={Ready}")]
    private static partial void LogReconciled(ILogger logger, string pipeline, long generation, int objectCount, bool ready);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Pipeline} is blocked ({Reason}): {Detail}")]
    private static partial void LogBlocked(ILogger logger, string pipeline, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created Secret {Name} with a random Dapr app token for {Pipeline}")]
    private static partial void LogAppTokenCreated(ILogger logger, string name, string pipeline);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Kind} {Name}, no longer rendered for {Pipeline}")]
    private static partial void LogPruned(ILogger logger, string kind, string name, string pipeline);
}
