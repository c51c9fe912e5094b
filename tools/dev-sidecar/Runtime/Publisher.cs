using LogDapr.DevSidecar.Components;
using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.PubSub;

namespace LogDapr.DevSidecar.Runtime;

/// <summary>One entry of a bulk publish: the caller's entry id and the message built from it.</summary>
public sealed record BulkPublishEntry(string EntryId, OutgoingMessage Message);

/// <summary>An entry a bulk publish did not store, with the broker's error, as daprd lists it in <c>failedEntries</c>.</summary>
public sealed record FailedEntry(string EntryId, string Error);

/// <summary>
/// A bulk publish that failed after some entries may have been stored. daprd v1.16.0 answers gRPC with the error
/// and an empty response (pkg/api/grpc/grpc.go BulkPublishEventAlpha1) and HTTP with the error status, a body
/// <c>{"failedEntries":[...],"errorCode":"ERR_PUBSUB_PUBLISH_MESSAGE"}</c> and the same in metadata headers
/// (pkg/api/http/http.go onBulkPublish).
/// </summary>
public sealed class BulkPublishFailedException(DaprApiException error, IReadOnlyList<FailedEntry> failed) : Exception(error.Message, error)
{
    public DaprApiException Error { get; } = error;
    public IReadOnlyList<FailedEntry> FailedEntries { get; } = failed;
}

/// <summary>
/// daprd's publish path shared by gRPC and HTTP: validate pubsub and topic for the calling app (a pub/sub outside
/// the app's scopes is "not found", v1.16.0 pkg/api/grpc validateAndGetPubsubAndTopic), build the envelope with the
/// app as source, store durably in the embedded broker, then the chaos options.
/// </summary>
public sealed class Publisher(SidecarRuntime runtime)
{
    /// <summary>Text of the broker error for entries the partial-bulk chaos leaves unstored.</summary>
    public const string ChaosEntryError = "dev-sidecar chaos (--chaos-bulk-publish-partial): the broker did not store this entry";

    public void Validate(string appId, string pubsub, string topic, IReadOnlyDictionary<string, string> metadata)
    {
        if (string.IsNullOrEmpty(pubsub))
        {
            throw DaprApiException.PubSubNameEmpty(metadata);
        }

        if (runtime.Catalog.Find(pubsub) is not { Resource.Category: "pubsub" } component || !component.IsLoadedFor(appId))
        {
            throw DaprApiException.PubSubNotFound(pubsub);
        }

        if (string.IsNullOrEmpty(topic))
        {
            throw DaprApiException.TopicEmpty(pubsub, metadata);
        }

        try
        {
            CloudEventBuilder.IsRawPayload(metadata);
        }
        catch (DaprApiException ex) when (ex.ErrorCode == "ERR_PUBSUB_REQUEST_METADATA")
        {
            throw DaprApiException.PubSubMetadata(pubsub, ex.Message["failed deserializing metadata. Error: ".Length..], metadata);
        }
    }

    public OutgoingMessage Envelope(string appId, string pubsub, string topic, ReadOnlyMemory<byte> data, string? contentType, IReadOnlyDictionary<string, string> metadata, string? traceParent)
    {
        try
        {
            return CloudEventBuilder.Build(pubsub, topic, data, contentType, metadata, appId, traceParent);
        }
        catch (DaprApiException ex) when (ex.ErrorCode == "ERR_PUBSUB_CLOUD_EVENTS_SER")
        {
            throw DaprApiException.CloudEventCreation(pubsub, appId, ex.Message);
        }
        catch (DaprApiException ex) when (ex.ErrorCode == "ERR_PUBSUB_REQUEST_METADATA")
        {
            throw DaprApiException.PubSubMetadata(pubsub, ex.Message["failed deserializing metadata. Error: ".Length..], metadata);
        }
    }

    public async Task PublishAsync(string pubsub, string topic, OutgoingMessage message, CancellationToken cancellationToken)
    {
        if (runtime.Options.BenchDiscardPublishes)
        {
            return;
        }

        await runtime.Broker.PublishAsync(pubsub, topic, message, cancellationToken).ConfigureAwait(false);
        await AckDelayAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores every entry, or under --chaos-bulk-publish-partial maybe a random subset, then throws <see cref="BulkPublishFailedException"/>.</summary>
    public async Task BulkPublishAsync(string pubsub, string topic, IReadOnlyList<BulkPublishEntry> entries, CancellationToken cancellationToken)
    {
        if (runtime.Options.BenchDiscardPublishes)
        {
            return;
        }

        var stored = entries;
        if (entries.Count > 0 && runtime.Options.ChaosBulkPublishPartial > 0 && Random.Shared.NextDouble() < runtime.Options.ChaosBulkPublishPartial)
        {
            // Redis and JetStream publish bulk entries one by one in parallel (daprd's defaultBulkPublisher), so any
            // subset may be stored when one fails: none of them, or all but one.
            stored = entries.OrderBy(_ => Random.Shared.Next()).Take(Random.Shared.Next(0, entries.Count)).ToList();
        }

        try
        {
            await runtime.Broker.PublishManyAsync(pubsub, topic, stored.Select(e => e.Message).ToList(), cancellationToken).ConfigureAwait(false);
        }
        catch (DaprApiException ex) when (ex.ErrorCode == "ERR_PUBSUB_PUBLISH_MESSAGE")
        {
            // The whole set failed at the broker: every entry is a failed entry.
            throw new BulkPublishFailedException(ex, entries.Select(e => new FailedEntry(e.EntryId, ex.Message)).ToList());
        }

        await AckDelayAsync(cancellationToken).ConfigureAwait(false);
        if (stored.Count < entries.Count)
        {
            var storedIds = stored.Select(e => e.EntryId).ToHashSet(StringComparer.Ordinal);
            var failed = entries.Where(e => !storedIds.Contains(e.EntryId)).Select(e => new FailedEntry(e.EntryId, ChaosEntryError)).ToList();
            throw new BulkPublishFailedException(DaprApiException.PublishFailed(pubsub, topic, ChaosEntryError), failed);
        }
    }

    private Task AckDelayAsync(CancellationToken cancellationToken) =>
        runtime.Options.ChaosPublishAckDelay > TimeSpan.Zero ? Task.Delay(runtime.Options.ChaosPublishAckDelay, cancellationToken) : Task.CompletedTask;
}
