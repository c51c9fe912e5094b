using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("Observed state of a LogPipeline.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed class LogPipelineStatus
{
    [Description("The metadata.generation the conditions describe.")]
    [Minimum(0)]
    public long? ObservedGeneration { get; set; }

    [Description("Ready, Progressing, Degraded and DaprCompatible, with reasons; at most one of each type.")]
    [ListTypeMap("type")]
    public List<PipelineCondition>? Conditions { get; set; }

    [Description("URL clients send logs to (POST), inside the cluster.")]
    public string? IngestEndpoint { get; set; }

    [Description("Base URL of the aggregator's query API (GET /v1/metrics, /v1/dead-letters), inside the cluster.")]
    public string? QueryEndpoint { get; set; }

    [Description("Base URL of the store's search API (GET /v1/logs), inside the cluster; absent while spec.storage.enabled is false.")]
    public string? LogsEndpoint { get; set; }

    [Description("Name of the Dapr pub/sub component publishers use (<metadata.name>-pubsub).")]
    public string? PubsubComponent { get; set; }

    [Description("Topic publishers publish to (spec.pubsub.topic).")]
    public string? Topic { get; set; }

    [Description("Topic the processor publishes processed events to, which the aggregator and the store read (<topic>-processed); absent without spec.processing.")]
    public string? ProcessedTopic { get; set; }

    [Description("Objects the operator created for this pipeline.")]
    public List<OwnedObjectReference>? Objects { get; set; }
}
