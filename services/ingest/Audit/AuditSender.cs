using System.Text.Json;
using System.Threading.Channels;
using Dapr;
using LogDapr.ServiceDefaults.Publishing;
using LogDapr.Configuration.Pipeline;
using LogDapr.Contracts.CloudEvents;
using LogDapr.ServiceDefaults.Audit;
using Microsoft.Extensions.Options;

namespace LogDapr.Ingest.Audit;

/// <summary>
/// Sends ingest's audit records to Pipeline:AuditTopic, where the counter writes them into audit_log (ingest has no
/// Postgres). A request never waits for it: records queue here (at most <see cref="Capacity"/>; the limiter keeps far
/// fewer coming) and one worker publishes them in order, retrying while the sidecar or broker is down, until a
/// record is <see cref="MaxAge"/> old; then it is counted and logged as not written. A record's id is its CloudEvent
/// id and its key in audit_log, so a publish retried after a lost answer stores one row. Records still queued when
/// the process stops are lost, which the log says.
/// </summary>
public sealed partial class AuditSender(DaprPublishClient dapr, IOptions<PipelineOptions> pipeline, IngestAuditMetrics metrics, TimeProvider time, ILogger<AuditSender> logger)
    : BackgroundService
{
    public const int Capacity = 1024;
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    private readonly Channel<AuditMessage> queue = Channel.CreateBounded<AuditMessage>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <returns>False when the queue is full (the record is counted as suppressed).</returns>
    public bool Enqueue(AuditMessage record)
    {
        if (queue.Writer.TryWrite(record))
        {
            return true;
        }

        metrics.Suppressed();
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var record in queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await SendAsync(record, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            if (queue.Reader.Count > 0)
            {
                LogLostAtStop(logger, queue.Reader.Count);
            }
        }
    }

    private async Task SendAsync(AuditMessage record, CancellationToken stoppingToken)
    {
        var envelope = Envelope(record);
        var delay = FirstRetry;
        while (true)
        {
            try
            {
                await dapr.PublishAsync(pipeline.Value.PubSubName, pipeline.Value.AuditTopic, envelope, stoppingToken).ConfigureAwait(false);
                metrics.Sent(record.Action);
                return;
            }
            catch (DaprException ex)
            {
                if (time.GetUtcNow() - record.At + delay > MaxAge)
                {
                    metrics.WriteFailed(record.Action);
                    LogNotWritten(logger, record.Action, record.Id, record.RemoteAddress, ex.Message);
                    return;
                }

                LogRetrying(logger, record.Action, record.Id, delay, ex.Message);
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LastRetry.Ticks));
            }
        }
    }

    /// <summary>The whole CloudEvent, so the sidecar keeps the record's id as the message id instead of minting one.</summary>
    public static ReadOnlyMemory<byte> Envelope(AuditMessage record) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
    {
        ["specversion"] = "1.0",
        ["id"] = record.Id.ToString("D"),
        ["source"] = CloudEventTypes.Source,
        ["type"] = AuditMessage.CloudEventType,
        ["time"] = record.At,
        ["datacontenttype"] = CloudEventTypes.JsonContentType,
        ["data"] = record,
    });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit record {Action} {RecordId} not sent yet, retrying in {Delay}: {Error}")]
    private static partial void LogRetrying(ILogger logger, string action, Guid recordId, TimeSpan delay, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit record {Action} {RecordId} from {RemoteAddress} could not be sent before it expired; it is not in audit_log: {Error}")]
    private static partial void LogNotWritten(ILogger logger, string action, Guid recordId, string? remoteAddress, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} audit records were still queued at stop and are not in audit_log")]
    private static partial void LogLostAtStop(ILogger logger, int count);
}
