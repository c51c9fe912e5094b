using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LogDapr.LocalStack.Tls;

/// <summary>
/// Certificates for local runs and tests (.NET CertificateRequest, ECDSA P-256): a CA, server certificates it issues
/// (DNS names and addresses in the SAN) and client certificates (a subject and SAN URIs, for mTLS). Never for
/// production: the keys live in files next to the certificates.
/// </summary>
public static class LocalCertificates
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    public static X509Certificate2 CreateCa(string commonName, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.Add(lifetime));
    }

    /// <summary>A server certificate for <paramref name="dnsNames"/> and <paramref name="addresses"/>, with its key.</summary>
    public static X509Certificate2 IssueServer(X509Certificate2 ca, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, TimeSpan lifetime)
    {
        var san = new SubjectAlternativeNameBuilder();
        var names = dnsNames.ToList();
        foreach (var name in names)
        {
            san.AddDnsName(name);
        }

        foreach (var address in addresses)
        {
            san.AddIpAddress(address);
        }

        return Issue(ca, $"CN={names.FirstOrDefault() ?? "localhost"}", san.Build(), ServerAuthentication, lifetime);
    }

    /// <summary>A client certificate: <paramref name="subject"/> (an X.500 name) and SAN URIs such as logdapr://tenant/acme.</summary>
    public static X509Certificate2 IssueClient(X509Certificate2 ca, string subject, IEnumerable<string> uris, TimeSpan lifetime)
    {
        var san = new SubjectAlternativeNameBuilder();
        var any = false;
        foreach (var uri in uris)
        {
            san.AddUri(new Uri(uri));
            any = true;
        }

        return Issue(ca, subject, any ? san.Build() : null, ClientAuthentication, lifetime);
    }

    /// <summary>The certificate in PEM.</summary>
    public static string CertificatePem(X509Certificate2 certificate) => certificate.ExportCertificatePem();

    /// <summary>The private key in PEM (PKCS#8, unencrypted).</summary>
    public static string KeyPem(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("the certificate has no ECDSA private key");
        return key.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>SHA-256 of the certificate's DER bytes, as openssl prints it (AB:CD:...).</summary>
    public static string Fingerprint(X509Certificate2 certificate)
        => string.Join(':', SHA256.HashData(certificate.RawData).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, X509Extension? san, Oid usage, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (san is not null)
        {
            request.CertificateExtensions.Add(san);
        }

        var now = DateTimeOffset.UtcNow;
        var notAfter = now.Add(lifetime);
        if (notAfter > ca.NotAfter)
        {
            notAfter = ca.NotAfter;
        }

        // RFC 5280: a positive serial; DER reads a leading byte of 0x80 or more as negative.
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(ca, now.AddMinutes(-5), notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }
}
