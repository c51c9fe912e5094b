using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LogDapr.TestSupport;

/// <summary>
/// Certificates made in the test with .NET's CertificateRequest, as PEM text (what a Kubernetes TLS Secret and a
/// Postgres server read): a CA, and leaf certificates it signs for a server name or a client.
/// </summary>
public static class PostgresTlsCertificates
{
    /// <summary>A certificate and its unencrypted PKCS#8 private key, in PEM.</summary>
    public sealed record Pem(string Certificate, string Key);

    /// <summary>A self-signed CA; dispose it when done.</summary>
    public static X509Certificate2 CreateCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    /// <summary>A server certificate for <paramref name="dnsName"/> (and 127.0.0.1), signed by <paramref name="ca"/>.</summary>
    public static Pem Server(X509Certificate2 ca, string dnsName) => Issue(ca, dnsName, serverAuth: true);

    /// <summary>A client certificate with <paramref name="commonName"/> as subject (Postgres maps it to the user).</summary>
    public static Pem Client(X509Certificate2 ca, string commonName) => Issue(ca, commonName, serverAuth: false);

    public static string CertificatePem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.ExportCertificatePem() + "\n";
    }

    private static Pem Issue(X509Certificate2 ca, string name, bool serverAuth)
    {
        ArgumentNullException.ThrowIfNull(ca);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [serverAuth ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName(name);
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(ca, now.AddMinutes(-5), now.AddHours(12), serial);
        return new Pem(certificate.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }
}
