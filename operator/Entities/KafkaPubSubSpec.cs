using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("Kafka connection, authentication and limits.")]
[CelRule("self.authType != 'password' || (has(self.saslUsername) && has(self.saslPasswordSecretKeyRef))", "kafka.authType password requires saslUsername and saslPasswordSecretKeyRef", FieldPath = ".authType")]
[CelRule("self.authType != 'mtls' || (self.tls.enabled && has(self.tls.caSecretKeyRef) && has(self.tls.clientCertSecretKeyRef) && has(self.tls.clientKeySecretKeyRef))", "kafka.authType mtls requires tls.enabled with caSecretKeyRef, clientCertSecretKeyRef and clientKeySecretKeyRef", FieldPath = ".tls")]
[CelRule("self.authType == 'password' || (!has(self.saslUsername) && !has(self.saslPasswordSecretKeyRef))", "kafka.saslUsername and saslPasswordSecretKeyRef are only used with authType password", FieldPath = ".authType")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class KafkaPubSubSpec
{
    [JsonRequired]
    [Description("Bootstrap brokers as host:port.")]
    [Items(1, 32)]
    [ItemPattern(@"^[^\s,:]+:[0-9]{1,5}$")]
    public List<string> Brokers { get; set; } = null!;

    [Description("Authentication: none, password (SASL) or mtls (client certificate).")]
    public KafkaAuthType AuthType { get; set; } = KafkaAuthType.None;

    [Description("SASL user name (authType: password).")]
    [Length(1, 256)]
    public string? SaslUsername { get; set; }

    [Description("Secret key holding the SASL password (authType: password).")]
    public SecretKeySelector? SaslPasswordSecretKeyRef { get; set; }

    [Description("SASL mechanism (authType: password).")]
    public SaslMechanism SaslMechanism { get; set; } = SaslMechanism.Sha512;

    [JsonPropertyName("tls")]
    [Description("TLS to the brokers.")]
    public KafkaTlsSpec Tls { get; set; } = new();

    [Description("Where a new consumer group starts reading: oldest (nothing published before the aggregator first started is lost) or newest.")]
    public KafkaInitialOffset InitialOffset { get; set; } = KafkaInitialOffset.Oldest;

    [Description("Largest message the producer sends and the consumer accepts, in bytes.")]
    [Range(1024, 104_857_600)]
    public int? MaxMessageBytes { get; set; }
}

public enum KafkaAuthType
{
    [JsonStringEnumMemberName("none")] None,
    [JsonStringEnumMemberName("password")] Password,
    [JsonStringEnumMemberName("mtls")] Mtls,
}

public enum SaslMechanism
{
    [JsonStringEnumMemberName("PLAINTEXT")] Plaintext,
    [JsonStringEnumMemberName("SHA-256")] Sha256,
    [JsonStringEnumMemberName("SHA-512")] Sha512,
}

public enum KafkaInitialOffset
{
    [JsonStringEnumMemberName("oldest")] Oldest,
    [JsonStringEnumMemberName("newest")] Newest,
}
