using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("NATS JetStream connection and consumer limits. The stream must already exist and bind the topic's subject.")]
[CelRule("has(self.tlsClientCertSecretKeyRef) == has(self.tlsClientKeySecretKeyRef)", "jetstream.tlsClientCertSecretKeyRef and tlsClientKeySecretKeyRef must be set together", FieldPath = ".tlsClientCertSecretKeyRef")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class JetStreamPubSubSpec
{
    [JsonRequired]
    [JsonPropertyName("natsURL")]
    [Description("NATS server URL, e.g. nats://nats.messaging.svc:4222 (tls:// for TLS).")]
    [Pattern(@"^(nats|tls|ws|wss)://[^\s]+$")]
    public string NatsUrl { get; set; } = null!;

    [Description("Secret key holding a NATS token.")]
    public SecretKeySelector? TokenSecretKeyRef { get; set; }

    [Description("Secret key holding the PEM client certificate for mutual TLS. Mounted for daprd at /mnt/logdapr/jetstream-tls/tls.crt (the JetStream component reads it as a file); a change rolls the pods. The server is verified against daprd's system CAs (the component takes no CA).")]
    public SecretKeySelector? TlsClientCertSecretKeyRef { get; set; }

    [Description("Secret key holding the PEM client private key for mutual TLS, mounted for daprd at /mnt/logdapr/jetstream-tls/tls.key.")]
    public SecretKeySelector? TlsClientKeySecretKeyRef { get; set; }

    [Description("Name of the existing JetStream stream; when empty NATS finds it by subject.")]
    [Length(1, 255)]
    public string? StreamName { get; set; }

    [Description("Which messages a new consumer starts with.")]
    public JetStreamDeliverPolicy DeliverPolicy { get; set; } = JetStreamDeliverPolicy.All;

    [Description("Most unacknowledged messages in flight for the consumer, shared by all aggregator replicas. daprd emulates bulk subscribe on JetStream (the operator sets concurrencyMode: parallel) and a replica's batch holds at most its share of these, so with bulk subscribe on it must be at least aggregator.bulkSubscribe.maxMessagesCount times aggregator.replicas.")]
    [Range(1, 1_000_000)]
    public int MaxAckPending { get; set; } = 1000;

    [Description("Seconds JetStream waits for an acknowledgement before redelivering.")]
    [Range(1, 3600)]
    public int AckWaitSeconds { get; set; } = 30;
}

public enum JetStreamDeliverPolicy
{
    [JsonStringEnumMemberName("all")] All,
    [JsonStringEnumMemberName("new")] New,
    [JsonStringEnumMemberName("last")] Last,
}
