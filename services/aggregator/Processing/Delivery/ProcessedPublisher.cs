using Dapr;
using LogDapr.Configuration.Pipeline;
using LogDapr.Configuration.Processing;
using LogDapr.ServiceDefaults.Publishing;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Processing.Delivery;

/// <summary>
/// Publishes processed messages to the processed topic through the sidecar, in bulk requests that stay under daprd's
/// 4 MiB gRPC request limit. Over gRPC a bulk publish is all or nothing (dapr/dapr v1.16.0 pkg/api/grpc/grpc.go), and
/// every message keeps its id, so publishing a whole delivery again after a failure is safe.
/// </summary>
public sealed class ProcessedPublisher(DaprPublishClient dapr, IOptions<PipelineOptions> pipeline, IOptions<ProcessingOptions> processing)
{
    /// <summary>daprd's default gRPC request limit is 4 MiB; this leaves room for the request's own framing.</summary>
    private const int MaxRequestBytes = (4 * 1024 * 1024) - (256 * 1024);

    private readonly string pubSub = pipeline.Value.PubSubName;
    private readonly string topic = processing.Value.OutputTopic;

    public string Topic => topic;

    /// <exception cref="DaprException">The sidecar or the broker did not take every message.</exception>
    public async Task PublishAsync(IReadOnlyList<OutgoingCloudEvent> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var bulk = new List<OutgoingCloudEvent>();
        var bytes = 0;
        foreach (var message in messages)
        {
            if (bulk.Count > 0 && bytes + message.Envelope.Length > MaxRequestBytes)
            {
                await SendAsync(bulk, cancellationToken).ConfigureAwait(false);
                bulk = [];
                bytes = 0;
            }

            bulk.Add(message);
            bytes += message.Envelope.Length;
        }

        if (bulk.Count > 0)
        {
            await SendAsync(bulk, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task SendAsync(List<OutgoingCloudEvent> bulk, CancellationToken cancellationToken) => dapr.PublishAsync(pubSub, topic, bulk, cancellationToken);
}
