using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LogDapr.Configuration.Tls;

namespace LogDapr.ServiceDefaults.Tls;

/// <summary>
/// Whether a client certificate chains to Tls:ClientCaFile: that bundle only is trusted (never the system store, so
/// a certificate a public CA issued to anyone cannot log in), the certificate must be in its validity period, and
/// allowed for client authentication when it names its uses. Revocation is not checked: rotate the CA to revoke.
/// </summary>
public sealed class ClientCertificateTrust(ServerTlsCertificates certificates)
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    // Kestrel hands every request of a connection the same certificate object: the chain is built once per
    // connection and CA bundle, and the entry goes away with the connection.
    private readonly ConditionalWeakTable<X509Certificate2, Verdict> verdicts = [];

    /// <summary>Whether a client certificate is asked for at all.</summary>
    public bool Requested => certificates.Enabled && certificates.ClientCertificates != ClientCertificateRequirement.None;

    /// <summary>The handshake's check: only Required refuses there; with Optional the request falls back to API keys.</summary>
    public bool AcceptAtHandshake(X509Certificate2? certificate)
        => certificates.ClientCertificates != ClientCertificateRequirement.Required || (certificate is not null && IsTrusted(certificate));

    public bool IsTrusted(X509Certificate2 certificate)
    {
        var material = certificates.Current;
        if (material?.ClientCas is not { } cas || !Requested)
        {
            return false;
        }

        if (verdicts.TryGetValue(certificate, out var known) && known.Generation == material.Generation)
        {
            return known.Trusted;
        }

        var trusted = Chains(certificate, cas);
        verdicts.AddOrUpdate(certificate, new Verdict(material.Generation, trusted));
        return trusted;
    }

    private static bool Chains(X509Certificate2 certificate, X509Certificate2Collection cas)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(cas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        chain.ChainPolicy.DisableCertificateDownloads = true;
        try
        {
            return chain.Build(certificate);
        }
        catch (CryptographicException)
        {
            return false;
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                if (!ReferenceEquals(element.Certificate, certificate))
                {
                    element.Certificate.Dispose();
                }
            }
        }
    }

    private sealed record Verdict(long Generation, bool Trusted);
}
