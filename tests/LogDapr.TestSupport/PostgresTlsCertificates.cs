using System.Net;
using System.Security.Cryptography.X509Certificates;
using LogDapr.LocalStack.Tls;

namespace LogDapr.TestSupport;

/// <summary>
/// Certificates made in the test (by the local runner's <see cref="LocalCertificates"/>), as PEM text (what a Kubernetes TLS Secret and a
/// Postgres server read): a CA, and leaf certificates it signs for a server name or a client.
/// </summary>
public static class PostgresTlsCertificates
{
    /// <summary>A certificate and its unencrypted PKCS#8 private key, in PEM.</summary>
    public sealed record Pem(string Certificate, string Key);

    /// <summary>A self-signed CA; dispose it when done.</summary>
    public static X509Certificate2 CreateCa(string name) => LocalCertificates.CreateCa(name, TimeSpan.FromDays(1));

    /// <summary>A server certificate for <paramref name="dnsName"/> (and 127.0.0.1), signed by <paramref name="ca"/>.</summary>
    public static Pem Server(X509Certificate2 ca, string dnsName)
        => ToPem(LocalCertificates.IssueServer(ca, [dnsName], [IPAddress.Loopback], TimeSpan.FromHours(12)));

    /// <summary>A client certificate with <paramref name="commonName"/> as subject (Postgres maps it to the user).</summary>
    public static Pem Client(X509Certificate2 ca, string commonName)
        => ToPem(LocalCertificates.IssueClient(ca, $"CN={commonName}", [], TimeSpan.FromHours(12)));

    public static string CertificatePem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return LocalCertificates.CertificatePem(certificate) + "\n";
    }

    private static Pem ToPem(X509Certificate2 issued)
    {
        using (issued)
        {
            return new Pem(LocalCertificates.CertificatePem(issued) + "\n", LocalCertificates.KeyPem(issued) + "\n");
        }
    }
}
