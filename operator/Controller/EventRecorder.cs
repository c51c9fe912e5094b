using System.Globalization;
using System.Text.Json.Nodes;
using LogDapr.Operator.Kubernetes;
using Microsoft.Extensions.Logging;

namespace LogDapr.Operator.Controller;

/// <summary>
/// Writes core/v1 Events about a LogPipeline (what `kubectl describe` shows). Best effort: an Event that cannot be
/// written is logged and otherwise ignored, because it must never fail a reconcile.
/// </summary>
public sealed partial class EventRecorder(IKubeApi api, TimeProvider time, ILogger<EventRecorder> logger)
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
    private const string Component = "logdapr-operator";

    public async Task RecordAsync(JsonObject involved, string type, string reason, string message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var timestamp = now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var name = $"{involved.Name()}.{now.ToUnixTimeMilliseconds():x}{Random.Shared.Next(0x1000):x3}";
        var ev = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = involved.Namespace() },
            ["involvedObject"] = new JsonObject
            {
                ["apiVersion"] = involved["apiVersion"]?.DeepClone(),
                ["kind"] = involved["kind"]?.DeepClone(),
                ["name"] = involved.Name(),
                ["namespace"] = involved.Namespace(),
                ["uid"] = involved.Uid(),
                ["resourceVersion"] = involved.ResourceVersion(),
            },
            ["type"] = type,
            ["reason"] = reason,
            ["message"] = message,
            ["source"] = new JsonObject { ["component"] = Component },
            ["reportingComponent"] = Component,
            ["reportingInstance"] = Environment.MachineName,
            ["firstTimestamp"] = timestamp,
            ["lastTimestamp"] = timestamp,
            ["count"] = 1,
        };
        try
        {
            await api.CreateAsync(KnownResources.Events, ev, cancellationToken).ConfigureAwait(false);
            LogRecorded(logger, type, reason, involved.Key(), message);
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException)
        {
            LogEventFailed(logger, e, reason, involved.Key());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventType} {Reason} for {Pipeline}: {EventMessage}")]
    private static partial void LogRecorded(ILogger logger, string eventType, string reason, string pipeline, string eventMessage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record event {Reason} for {Pipeline}")]
    private static partial void LogEventFailed(ILogger logger, Exception exception, string reason, string pipeline);
}
