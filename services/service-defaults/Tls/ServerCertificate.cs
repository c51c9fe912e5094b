using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LogDapr.ServiceDefaults.Tls;

/// <summary>
/// A loaded server certificate: the leaf with its key, and the handshake context that also sends the intermediates
/// found after the leaf in the PEM file (cert-manager writes the chain there), so clients that only trust the root
/// can build the chain.
/// </summary>
public sealed class ServerCertificate
{
    private ServerCertificate(X509Certificate2 leaf, SslStreamCertificateContext context)
    {
        Leaf = leaf;
        Context = context;
        Fingerprint = Convert.ToHexString(SHA256.HashData(leaf.RawData));
    }

    public X509Certificate2 Leaf { get; }

    public SslStreamCertificateContext Context { get; }

    /// <summary>SHA-256 of the leaf's DER bytes, upper-case hex (what <c>openssl x509 -fingerprint -sha256</c> shows).</summary>
    public string Fingerprint { get; }

    /// <summary>Builds the certificate from PEM texts; throws <see cref="TlsFileException"/> with what is wrong.</summary>
    public static ServerCertificate FromPem(string certificatePem, string keyPem, string certificateFile, string keyFile)
    {
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPem(certificatePem);
        }
        catch (CryptographicException ex)
        {
            throw new TlsFileException($"Tls:CertificateFile '{certificateFile}' holds a PEM certificate that cannot be read: {ex.Message}", ex);
        }

        if (chain.Count == 0)
        {
            throw new TlsFileException($"Tls:CertificateFile '{certificateFile}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
        }

        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new TlsFileException(
                $"Tls:KeyFile '{keyFile}' is not an unencrypted PEM private key of the certificate in Tls:CertificateFile '{certificateFile}' (a half-written file, or a key of another certificate): {ex.Message}", ex);
        }

        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }

        // offline: the chain is what the file says; no fetching of missing issuers during a handshake.
        return new ServerCertificate(leaf, SslStreamCertificateContext.Create(leaf, intermediates, offline: true));
    }
}
