using Dapr;
using Google.Protobuf;
using Grpc.Core;
using LogDapr.Contracts.CloudEvents;
using LogDapr.ServiceDefaults.Sidecar;
using DaprProto = Dapr.Client.Autogen.Grpc.v1;

namespace LogDapr.ServiceDefaults.Publishing;

/// <summary>
/// Hands built CloudEvents to daprd over its gRPC API directly, as application/cloudevents+json so the sidecar keeps
/// our ids (the exactly-once key). The SDK's publish methods copy each envelope into a new <see cref="ByteString"/>
/// (a bulk one runs it through the JSON serializer first) and read the SDK assembly's attributes by reflection on every
/// call for its User-Agent; at one call per few single-event requests that was a measurable share of ingest's CPU
/// (docs/benchmarks.md). Here the envelopes are wrapped, not copied: they are immutable once built, and the call
/// completes before its caller lets them go.
/// </summary>
/// <remarks>
/// Failures are thrown as the SDK throws them, a <see cref="DaprException"/> around the <see cref="RpcException"/>, so a
/// caller's retry rules read the gRPC status as before. Bulk publishes go to <c>BulkPublishEvent</c> (daprd 1.17+) and
/// fall back to <c>BulkPublishEventAlpha1</c> when daprd answers Unimplemented (1.16 serves only that name; 1.17 and
/// 1.18 serve both; dapr/dapr v1.16.0 and v1.18.0 <c>dapr/proto/runtime/v1/dapr.proto</c>), as the .NET SDK does.
/// </remarks>
public sealed class DaprPublishClient : IDisposable
{
    private readonly DaprSidecarConnection sidecar;
    private readonly DaprProto.Dapr.DaprClient client;
    private readonly Metadata headers;
    private volatile bool onlyAlpha1BulkPublish;

    public DaprPublishClient(DaprSidecarConnection sidecar)
    {
        ArgumentNullException.ThrowIfNull(sidecar);
        this.sidecar = sidecar;
        client = sidecar.Client;
        headers = sidecar.Headers;
    }

    /// <summary>One whole CloudEvent (JSON) onto <paramref name="topic"/>.</summary>
    /// <exception cref="DaprException">The sidecar or the broker refused it, or could not be reached.</exception>
    public async Task PublishAsync(string pubSubName, string topic, ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken)
    {
        var request = new DaprProto.PublishEventRequest
        {
            PubsubName = pubSubName,
            Topic = topic,
            Data = UnsafeByteOperations.UnsafeWrap(envelope),
            DataContentType = CloudEventTypes.CloudEventContentType,
        };
        try
        {
            await client.PublishEventAsync(request, headers, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw new DaprException("Publish operation failed: the Dapr sidecar answered " + ex.StatusCode + ".", ex);
        }
    }

    /// <summary>
    /// The messages in one call: a lone message as a plain publish, more as one bulk publish, which daprd answers all
    /// or nothing over gRPC (dapr/dapr v1.16.0 pkg/api/grpc/grpc.go).
    /// </summary>
    /// <exception cref="DaprException">The sidecar or the broker did not take every message.</exception>
    public Task PublishAsync(string pubSubName, string topic, IReadOnlyList<OutgoingCloudEvent> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return messages.Count == 1
            ? PublishAsync(pubSubName, topic, messages[0].Envelope, cancellationToken)
            : BulkPublishAsync(pubSubName, topic, messages, cancellationToken);
    }

    public void Dispose() => sidecar.Dispose();

    private async Task BulkPublishAsync(string pubSubName, string topic, IReadOnlyList<OutgoingCloudEvent> messages, CancellationToken cancellationToken)
    {
        var request = BulkRequest(pubSubName, topic, messages);

        DaprProto.BulkPublishResponse response;
        try
        {
            response = await SendBulkAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw new DaprException("Bulk publish operation failed: the Dapr sidecar answered " + ex.StatusCode + ".", ex);
        }

        // daprd fails the whole gRPC call instead of listing failed entries; were a runtime to list them, the call
        // did not take every message, so it is answered as failed (and retried whole: the ids make that safe).
        if (response.FailedEntries.Count > 0)
        {
            var first = response.FailedEntries[0];
            throw new DaprException(
                $"Bulk publish operation failed: {response.FailedEntries.Count} of {messages.Count} entries were not published (entry {first.EntryId}: {first.Error}).",
                new RpcException(new Status(StatusCode.Unknown, first.Error)));
        }
    }

    /// <summary>
    /// The bulk request for <paramref name="messages"/>: entries numbered "0", "1", ... (as the .NET SDK numbers them),
    /// each envelope wrapped as it is, typed application/cloudevents+json.
    /// </summary>
    public static DaprProto.BulkPublishRequest BulkRequest(string pubSubName, string topic, IReadOnlyList<OutgoingCloudEvent> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = new DaprProto.BulkPublishRequest { PubsubName = pubSubName, Topic = topic };
        for (var i = 0; i < messages.Count; i++)
        {
            request.Entries.Add(new DaprProto.BulkPublishRequestEntry
            {
                EntryId = EntryId(i),
                Event = UnsafeByteOperations.UnsafeWrap(messages[i].Envelope),
                ContentType = CloudEventTypes.CloudEventContentType,
            });
        }

        return request;
    }

    private async Task<DaprProto.BulkPublishResponse> SendBulkAsync(DaprProto.BulkPublishRequest request, CancellationToken cancellationToken)
    {
        if (!onlyAlpha1BulkPublish)
        {
            try
            {
                return await client.BulkPublishEventAsync(request, headers, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unimplemented)
            {
                onlyAlpha1BulkPublish = true;
            }
        }

        // Deprecated since daprd 1.17 added the stable name, and the only one daprd 1.16 serves.
#pragma warning disable CS0612
        return await client.BulkPublishEventAlpha1Async(request, headers, cancellationToken: cancellationToken).ConfigureAwait(false);
#pragma warning restore CS0612
    }

    private static readonly string[] SmallEntryIds = [.. Enumerable.Range(0, 1024).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private static string EntryId(int index)
        => index < SmallEntryIds.Length ? SmallEntryIds[index] : index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
