using System.Text.Json.Nodes;
using Dapr;
using LogDapr.Aggregator.Audit;
using LogDapr.ServiceDefaults.Publishing;
using LogDapr.Aggregator.Sink;
using LogDapr.Contracts.Events;
using LogDapr.Configuration.Pipeline;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.DeadLetters;

public enum ReplayStatus
{
    Replayed,
    NotFound,
    NotReplayable,
    Unavailable,
}

public sealed record ReplayResult(ReplayStatus Status, DeadLetter? DeadLetter = null, string? Error = null);

/// <summary>Publishes a dead letter back onto the logs topic through Dapr and records the replay.</summary>
public sealed partial class DeadLetterReplayer(
    DeadLetterReader reader,
    DeadLetterWriter writer,
    DaprPublishClient dapr,
    IOptions<PipelineOptions> pipeline,
    TimeProvider time,
    ILogger<DeadLetterReplayer> logger)
{
    /// <param name="deadLetter">The dead letter as just read (the caller answers 404 before reading any request body).</param>
    /// <param name="audit">The request's audit record: written with the replay count, in one statement.</param>
    public async Task<ReplayResult> ReplayAsync(DeadLetter deadLetter, JsonNode? correctedData, AuditScope? audit, CancellationToken cancellationToken)
    {
        var id = deadLetter.Id;
        var message = ReplayMessage.Build(deadLetter, correctedData, time.GetUtcNow(), out var error);
        if (message is null)
        {
            return new ReplayResult(ReplayStatus.NotReplayable, deadLetter, error);
        }

        try
        {
            await dapr.PublishAsync(pipeline.Value.PubSubName, string.IsNullOrEmpty(pipeline.Value.ReplayTopic) ? pipeline.Value.Topic : pipeline.Value.ReplayTopic, message,
                cancellationToken).ConfigureAwait(false);
            await writer.RecordReplayAsync(id, audit, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DaprException or SinkException)
        {
            LogReplayFailed(logger, id, ex.Message);
            return new ReplayResult(ReplayStatus.Unavailable, deadLetter, ex.Message);
        }

        LogReplayed(logger, id, deadLetter.MessageId, correctedData is not null);
        return new ReplayResult(ReplayStatus.Replayed, await reader.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? deadLetter);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed dead letter {Id} (message {MessageId}, corrected: {Corrected})")]
    private static partial void LogReplayed(ILogger logger, long id, string messageId, bool corrected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replay of dead letter {Id} failed: {Error}")]
    private static partial void LogReplayFailed(ILogger logger, long id, string error);
}
