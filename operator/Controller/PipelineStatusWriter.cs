using System.Text.Json.Nodes;
using LogDapr.Operator.Diagnostics;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Serialization;
using Microsoft.Extensions.Logging;
using static LogDapr.Operator.Controller.PipelineConditions;

namespace LogDapr.Operator.Controller;

/// <summary>
/// Writes a LogPipeline's status through the status subresource, with the resourceVersion that was read as a
/// precondition: if the LogPipeline changed meanwhile the write fails with 409 and the key is retried with fresh
/// data. Emits an Event when Ready changes reason, not on every pass, so a stuck pipeline does not flood events.
/// </summary>
public sealed partial class PipelineStatusWriter(IKubeApi api, EventRecorder events, OperatorMetrics metrics, TimeProvider time, ILogger logger)
{
    /// <param name="stored">The LogPipeline as read, written back with the new status.</param>
    public async Task ReportBlockedAsync(JsonObject stored, Blocked blocked, long generation, CancellationToken cancellationToken)
    {
        LogBlocked(logger, stored.Key(), blocked.Reason, blocked.Message);
        metrics.RecordError(blocked.Reason);
        var conditions = new List<PipelineCondition>
        {
            Make(Ready, False, blocked.Reason, blocked.Message, generation),
            Make(Progressing, False, blocked.Reason, blocked.Message, generation),
            Make(Degraded, True, blocked.Reason, blocked.Message, generation),
        };
        if (blocked.Dapr is not null)
        {
            conditions.Add(blocked.Dapr);
        }
        await WriteAsync(stored, null, conditions, cancellationToken).ConfigureAwait(false);
    }

    /// <param name="rendered">What was applied, or null when the pipeline is blocked (the previous endpoints stay).</param>
    public async Task WriteAsync(JsonObject stored, RenderResult? rendered, IReadOnlyList<PipelineCondition> computed, CancellationToken cancellationToken)
    {
        var previous = stored["status"] is JsonObject previousJson
            ? OperatorJson.FromJson<LogPipelineStatus>(previousJson)
            : null;
        var status = new LogPipelineStatus
        {
            ObservedGeneration = stored["metadata"].GetLong("generation"),
            Conditions = Merge(previous?.Conditions, computed, time.GetUtcNow()),
            // Keep what was reported before when the pipeline is blocked: those objects still exist.
            IngestEndpoint = rendered?.IngestEndpoint ?? previous?.IngestEndpoint,
            QueryEndpoint = rendered?.QueryEndpoint ?? previous?.QueryEndpoint,
            // Unlike the others it can go away: storage switched off removes the store.
            LogsEndpoint = rendered is not null ? rendered.LogsEndpoint : previous?.LogsEndpoint,
            PubsubComponent = rendered?.PubSubComponent ?? previous?.PubsubComponent,
            Topic = rendered?.Topic ?? previous?.Topic,
            // Goes away with spec.processing, as the logs endpoint does with the store.
            ProcessedTopic = rendered is not null ? rendered.ProcessedTopic : previous?.ProcessedTopic,
            Objects = rendered is not null ? rendered.References().ToList() : previous?.Objects,
        };

        metrics.SetConditions(stored.Key(), status.Conditions.ToDictionary(c => c.Type, c => c.Status));

        var statusJson = OperatorJson.ToJsonObject(status);
        if (stored["status"] is JsonObject existing && JsonNode.DeepEquals(existing, statusJson))
        {
            return;
        }

        var update = stored.DeepClone().AsObject();
        update["status"] = statusJson;
        await api.ReplaceStatusAsync(KnownResources.LogPipelines, update, cancellationToken).ConfigureAwait(false);

        var readyBefore = previous?.Conditions?.FirstOrDefault(c => c.Type == Ready);
        var readyNow = status.Conditions.First(c => c.Type == Ready);
        if (readyBefore?.Status != readyNow.Status || readyBefore?.Reason != readyNow.Reason)
        {
            var type = readyNow.Status == True || readyNow.Reason == Reasons.RollingOut ? EventRecorder.Normal : EventRecorder.Warning;
            await events.RecordAsync(stored, type, readyNow.Reason, readyNow.Message, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Pipeline} is blocked ({Reason}): {Detail}")]
    private static partial void LogBlocked(ILogger logger, string pipeline, string reason, string detail);
}
