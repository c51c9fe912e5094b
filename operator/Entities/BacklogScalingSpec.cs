using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("KEDA scaling on the backlog of the aggregator's consumer group: the kafka scaler (lag of consumer group pubsub.consumerGroup on pubsub.topic), the redis-streams scaler (lagCount of that consumer group on the stream named pubsub.topic; Redis 7 or later) or the nats-jetstream scaler (pending messages of the durable consumer pubsub.consumerGroup on pubsub.jetstream.streamName, read from the NATS monitoring endpoint). Broker credentials are passed to KEDA through a TriggerAuthentication naming the same Secrets as the Dapr component.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class BacklogScalingSpec
{
    [Description("Backlog (messages not yet delivered to the consumer group) per replica that KEDA aims for: replicas = backlog / target, within minReplicas and maxReplicas. Kafka also caps replicas at the topic's partition count.")]
    [Range(1, 100_000_000)]
    public long TargetPerReplica { get; set; } = 1000;

    [Description("Seconds between KEDA's checks of the backlog.")]
    [Range(1, 3600)]
    public int PollingIntervalSeconds { get; set; } = 30;

    [JsonPropertyName("jetstream")]
    [Description("Where KEDA reads JetStream consumer state (pubsub.type jetstream; required then).")]
    public JetStreamBacklogSpec? JetStream { get; set; }
}

[Description("The NATS monitoring endpoint KEDA's nats-jetstream scaler reads (/jsz).")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class JetStreamBacklogSpec
{
    [JsonRequired]
    [Description("NATS server monitoring endpoint as host:port, e.g. nats.messaging.svc:8222 (the server's http_port, not the client port).")]
    [Pattern(@"^[^\s:/]+:[0-9]{1,5}$")]
    public string MonitoringEndpoint { get; set; } = null!;

    [Description("NATS account of the stream; $G when the server has no accounts configured.")]
    [Length(1, 256)]
    public string Account { get; set; } = "$G";

    [Description("Read the monitoring endpoint over HTTPS.")]
    public bool UseHttps { get; set; }
}
