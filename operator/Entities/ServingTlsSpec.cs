using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

/// <summary>
/// HTTPS on a workload's own port, from a kubernetes.io/tls Secret as cert-manager writes it. The Secret is mounted as
/// a directory (never subPath), so the kubelet's update of a renewed certificate reaches the pod and the service
/// reloads it without a restart.
/// </summary>
[Description("HTTPS on the workload's own port, from a kubernetes.io/tls Secret (tls.crt, tls.key), as cert-manager writes it. The Secret is mounted read-only as a directory, so a renewed certificate reaches the running pods and is served without a restart. Probes and the Service switch to HTTPS. Plain HTTP when omitted (for a mesh or ingress that terminates TLS).")]
[CelRule("self.clientCertificates == 'None' || has(self.clientCaSecretKeyRef)", "tls.clientCaSecretKeyRef is required unless tls.clientCertificates is None: client certificates are verified against that CA bundle only", FieldPath = ".clientCaSecretKeyRef")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ServingTlsSpec
{
    [JsonRequired]
    [Description("Name of a Secret in the LogPipeline's namespace holding the PEM certificate chain under tls.crt and its unencrypted private key under tls.key (type kubernetes.io/tls, as cert-manager's Certificate.spec.secretName writes it). The operator checks both keys are PEM, and that the key belongs to the certificate, before applying anything.")]
    [Pattern(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    [Length(1, 253)]
    public string SecretName { get; set; } = null!;

    [Description("Whether clients are asked for a certificate (mTLS): None, Optional (API keys still work without one) or Required.")]
    public ClientCertificateMode ClientCertificates { get; set; } = ClientCertificateMode.None;

    [Description("Secret key holding the PEM bundle of the CAs client certificates must chain to (for cert-manager, the tls Secret's own ca.crt key is a common choice). Required unless clientCertificates is None.")]
    public SecretKeySelector? ClientCaSecretKeyRef { get; set; }
}

public enum ClientCertificateMode
{
    [JsonStringEnumMemberName("None")] None,
    [JsonStringEnumMemberName("Optional")] Optional,
    [JsonStringEnumMemberName("Required")] Required,
}
