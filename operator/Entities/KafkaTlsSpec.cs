using System.ComponentModel;
using System.Text.Json.Serialization;

namespace LogDapr.Operator.Entities;

[Description("TLS settings for Kafka.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class KafkaTlsSpec
{
    [Description("Use TLS. Only disable it for a broker on a trusted network. With authType none it needs caSecretKeyRef: Dapr's Kafka component turns TLS off for authType none, so the operator renders authType certificate, which verifies the brokers against that CA.")]
    public bool Enabled { get; set; } = true;

    [Description("Secret key holding the PEM CA certificate that signed the brokers' certificates.")]
    public SecretKeySelector? CaSecretKeyRef { get; set; }

    [Description("Secret key holding the PEM client certificate (authType: mtls).")]
    public SecretKeySelector? ClientCertSecretKeyRef { get; set; }

    [Description("Secret key holding the PEM client private key (authType: mtls).")]
    public SecretKeySelector? ClientKeySecretKeyRef { get; set; }
}
