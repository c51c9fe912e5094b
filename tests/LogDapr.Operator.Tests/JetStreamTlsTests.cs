using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Secrets;
using static LogDapr.Operator.Tests.Support.Rendered;

namespace LogDapr.Operator.Tests;

/// <summary>
/// spec.pubsub.jetstream.tlsClientCert/KeySecretKeyRef as daprd's JetStream component reads them: file paths
/// (components-contrib v1.16.13 pubsub/jetstream/jetstream.go hands tls_client_cert and tls_client_key to
/// nats.ClientCert(certFile, keyFile), which loads the files), so the pods mount the Secret keys for daprd.
/// </summary>
public sealed class JetStreamTlsTests
{
    private static readonly string Spec =
        "  pubsub:\n    type: jetstream\n    jetstream:\n      natsURL: tls://nats:4222\n"
        + "      tlsClientCertSecretKeyRef: {name: nats-client, key: tls.crt}\n      tlsClientKeySecretKeyRef: {name: nats-client, key: tls.key}\n"
        + "  stateStore: {type: postgresql}\n  postgres: {connectionStringSecretKeyRef: {name: pg, key: connectionString}}\n";

    [Fact]
    public void The_client_certificate_reaches_daprd_as_mounted_files_not_as_pem_in_a_path_field()
    {
        var result = Render(Pipeline(Spec));
        foreach (var component in new[] { "p-pubsub", "p-pubsub-dlq" })
        {
            var metadata = ComponentMetadata(Find(result, KnownResources.DaprComponents, component));
            Assert.Equal("/mnt/logdapr/jetstream-tls/tls.crt", metadata["tls_client_cert"]);
            Assert.Equal("/mnt/logdapr/jetstream-tls/tls.key", metadata["tls_client_key"]);
        }
        foreach (var deployment in result.Objects.Where(o => o.Type == KnownResources.Deployments))
        {
            Assert.Equal("jetstream-tls:/mnt/logdapr/jetstream-tls", Annotation(deployment.Object, "dapr.io/volume-mounts"));
            var volume = deployment.Object["spec"]!["template"]!["spec"]!["volumes"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == "jetstream-tls")!;
            Assert.Equal("nats-client", volume["projected"]!["sources"]![0]!["secret"]!["name"]!.GetValue<string>());
            // nats.go loads the files once, at connect: a new client certificate must roll the pods.
            Assert.Contains(new SecretKeyRef("nats-client", "tls.key"), PodSecretReferences.For(deployment, result.Objects));
        }
        Assert.Contains(result.SecretReferences, r => r.SecretName == "nats-client" && r.Key == "tls.crt" && r.FieldPath == "spec.pubsub.jetstream.tlsClientCertSecretKeyRef");
    }
}
