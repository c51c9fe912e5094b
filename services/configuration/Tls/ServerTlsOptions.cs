using System.ComponentModel.DataAnnotations;

namespace LogDapr.Configuration.Tls;

/// <summary>
/// HTTPS on a service's own listeners (section "Tls"): the certificate and key as PEM files, as a Kubernetes TLS
/// Secret mounts them (tls.crt, tls.key, ca.crt), so cert-manager works as is. Plain HTTP when CertificateFile is
/// unset, for a mesh or ingress that terminates TLS in front.
/// </summary>
public sealed class ServerTlsOptions
{
    public const string Section = "Tls";

    /// <summary>PEM certificate chain (leaf first). Setting it turns HTTPS on for every listener of the service.</summary>
    [StringLength(4096)]
    public string? CertificateFile { get; set; }

    /// <summary>PEM private key of the certificate (PKCS#8, PKCS#1 or SEC1, unencrypted).</summary>
    [StringLength(4096)]
    public string? KeyFile { get; set; }

    /// <summary>PEM bundle of the CAs client certificates must chain to; needed unless ClientCertificates is None.</summary>
    [StringLength(4096)]
    public string? ClientCaFile { get; set; }

    /// <summary>Whether clients are asked for a certificate: None, Optional (API keys still work) or Required.</summary>
    public ClientCertificateRequirement ClientCertificates { get; set; } = ClientCertificateRequirement.None;

    /// <summary>
    /// How often the files are re-read: a rotated certificate (a Secret update swaps the mounted files) is served to
    /// the next handshake without a restart.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(10);
}

public enum ClientCertificateRequirement
{
    None,
    Optional,
    Required,
}
