using Dapr;
using LogDapr.Configuration.Pipeline;
using LogDapr.Configuration.Processing;
using LogDapr.ServiceDefaults.Publishing;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Processing.Delivery;

/// <summary>
/// Publishes processed messages to the processed topic through the sidecar, in bulk requests that stay under daprd's
/// gRPC request limit as serialized (<see cref="PublishBulks"/>, as ingest sizes its calls). Over gRPC a bulk publish is
/// all or nothing (dapr/dapr v1.16.0 pkg/api/grpc/grpc.go), and every message keeps its id, so publishing a whole
/// delivery again after a failure is safe.
/// </summary>
public sealed class ProcessedPublisher(DaprPublishClient dapr, IOptions<PipelineOptions> pipeline, IOptions<ProcessingOptions> processing)
{
    private readonly string pubSub = pipeline.Value.PubSubName;
    private readonly string topic = processing.Value.OutputTopic;

    public string Topic => topic;

    /// <exception cref="DaprException">The sidecar or the broker did not take every message.</exception>
    public async Task PublishAsync(IReadOnlyList<OutgoingCloudEvent> messages, CancellationToken cancellationToken)
    {
        foreach (var bulk in PublishBulks.Split(messages, int.MaxValue, PublishBulks.DefaultMaxRequestBytes, pubSub, topic))
        {
            await dapr.PublishAsync(pubSub, topic, bulk, cancellationToken).ConfigureAwait(false);
        }
    }
}
