using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using static LogDapr.Operator.Tests.Support.Rendered;

namespace LogDapr.Operator.Tests;

/// <summary>
/// spec.pubsub.kafka.tls as daprd's Kafka component reads it (components-contrib common/component/kafka, v1.16.13:
/// metadata.go reads caCert, clientCert, clientKey, disableTls; auth.go updateTLSConfig turns TLS off for authType
/// "none"). Without client authentication, TLS reaches the brokers only as authType "certificate".
/// </summary>
public sealed class KafkaTlsTests
{
    private static string Spec(string kafka) =>
        "  pubsub:\n    type: kafka\n    kafka: " + kafka + "\n  stateStore: {type: postgresql}\n  postgres: {connectionStringSecretKeyRef: {name: pg, key: connectionString}}\n";

    private static Dictionary<string, string> PubSub(string kafka) =>
        ComponentMetadata(Find(Render(Pipeline(Spec(kafka))), KnownResources.DaprComponents, "p-pubsub"));

    [Fact]
    public void Tls_without_client_authentication_is_rendered_as_authType_certificate_with_the_ca()
    {
        var metadata = PubSub("{brokers: [\"kafka:9093\"], tls: {caSecretKeyRef: {name: kafka-tls, key: ca.crt}}}");
        Assert.Equal("certificate", metadata["authType"]);
        Assert.Equal("false", metadata["disableTls"]);
        Assert.Equal("secret:kafka-tls/ca.crt", metadata["caCert"]);
    }

    [Fact]
    public void Tls_without_client_authentication_and_without_a_ca_is_refused_instead_of_silently_plaintext()
    {
        var error = Assert.Throws<InvalidPipelineException>(() => PubSub("{brokers: [\"kafka:9093\"]}"));
        Assert.Contains("pubsub.kafka.tls.caSecretKeyRef is required when authType is none and tls.enabled is true", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plaintext_broker_stays_authType_none_with_tls_disabled()
    {
        var metadata = PubSub("{brokers: [\"kafka:9092\"], tls: {enabled: false}}");
        Assert.Equal("none", metadata["authType"]);
        Assert.Equal("true", metadata["disableTls"]);
    }

    [Fact]
    public void Password_and_mtls_keep_their_authType_and_the_ca()
    {
        var metadata = PubSub("{brokers: [\"kafka:9093\"], authType: mtls, tls: {caSecretKeyRef: {name: k, key: ca.crt}, clientCertSecretKeyRef: {name: k, key: tls.crt}, clientKeySecretKeyRef: {name: k, key: tls.key}}}");
        Assert.Equal("mtls", metadata["authType"]);
        Assert.Equal("secret:k/tls.crt", metadata["clientCert"]);
        Assert.Equal("secret:k/tls.key", metadata["clientKey"]);
    }
}
