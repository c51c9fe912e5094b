using System.Net.Http;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using LogDapr.LocalStack.Tls;

namespace LogDapr.TestSupport;

/// <summary>
/// TLS material for handshake tests: a CA and a localhost server certificate in a scratch directory laid out as a
/// Kubernetes TLS Secret (ca.crt, tls.crt, tls.key), client certificates from that CA or from another one, and
/// clients that trust the CA (and only it). Removes its directory when disposed.
/// </summary>
public sealed class TestTls : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);
    private readonly List<X509Certificate2> issued = [];

    public TestTls()
    {
        Files = LocalTlsFiles.Create(ScratchDirectory.NewPath("logdapr-tests", "tls"), "LogDapr test CA");
    }

    public LocalTlsFiles Files { get; }

    /// <summary>The settings that turn HTTPS on with these files.</summary>
    public Dictionary<string, string> ServerSettings(string clientCertificates = "None") => new()
    {
        ["Tls:CertificateFile"] = Files.CertificateFile,
        ["Tls:KeyFile"] = Files.KeyFile,
        ["Tls:ClientCertificates"] = clientCertificates,
        ["Tls:ClientCaFile"] = clientCertificates == "None" ? "" : Files.CaFile,
        ["Tls:ReloadInterval"] = "00:00:00.100",
    };

    /// <summary>A client certificate the test CA issues.</summary>
    public X509Certificate2 Client(string subject, params string[] uris) => Keep(LocalCertificates.IssueClient(Files.Ca, subject, uris, Lifetime));

    /// <summary>A client certificate from a CA the server does not trust.</summary>
    public X509Certificate2 ForeignClient(string subject, params string[] uris)
    {
        using var other = LocalCertificates.CreateCa("Some other CA", Lifetime);
        return Keep(LocalCertificates.IssueClient(other, subject, uris, Lifetime));
    }

    /// <summary>An HttpClient handler trusting the test CA only (or nothing but the system store when <paramref name="trustCa"/> is false).</summary>
    public SocketsHttpHandler Handler(bool trustCa = true, X509Certificate2? clientCertificate = null, SslProtocols protocols = SslProtocols.None)
    {
        var handler = new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { EnabledSslProtocols = protocols } };
        if (trustCa)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustsCa(certificate, errors);
        }

        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }

        return handler;
    }

    public HttpClient Client(Uri baseAddress, bool trustCa = true, X509Certificate2? clientCertificate = null)
        => new(Handler(trustCa, clientCertificate)) { BaseAddress = baseAddress };

    /// <summary>Whether <paramref name="certificate"/> chains to the test CA (with a host name that matched).</summary>
    public bool TrustsCa(X509Certificate? certificate, SslPolicyErrors errors) => Files.Trusts(certificate, errors);

    public void Dispose()
    {
        foreach (var certificate in issued)
        {
            certificate.Dispose();
        }

        Files.Dispose();
        ScratchDirectory.Remove(Files.Directory);
    }

    private X509Certificate2 Keep(X509Certificate2 certificate)
    {
        issued.Add(certificate);
        return certificate;
    }
}
