using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace LogDapr.LocalStack.Tls;

/// <summary>
/// A CA and a server certificate for localhost and 127.0.0.1 written as a Kubernetes TLS Secret mounts them:
/// <c>ca.crt</c>, <c>tls.crt</c>, <c>tls.key</c> in one directory, for <c>Tls:CertificateFile</c> and
/// <c>Tls:KeyFile</c>, and for clients (<c>curl --cacert ca.crt</c>).
/// </summary>
public sealed class LocalTlsFiles : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    private LocalTlsFiles(string directory, X509Certificate2 ca, X509Certificate2 server)
    {
        Directory = directory;
        Ca = ca;
        Server = server;
    }

    public string Directory { get; }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; private set; }

    public string CaFile => Path.Combine(Directory, "ca.crt");

    public string CertificateFile => Path.Combine(Directory, "tls.crt");

    public string KeyFile => Path.Combine(Directory, "tls.key");

    /// <summary>SHA-256 fingerprint of the server certificate now in <see cref="CertificateFile"/>.</summary>
    public string Fingerprint => LocalCertificates.Fingerprint(Server);

    /// <summary>Creates <paramref name="directory"/> and writes a new CA and a server certificate for localhost into it.</summary>
    public static LocalTlsFiles Create(string directory, string caName = "LogDapr local CA")
    {
        System.IO.Directory.CreateDirectory(directory);
        var ca = LocalCertificates.CreateCa(caName, Lifetime);
        var files = new LocalTlsFiles(directory, ca, IssueServer(ca));
        File.WriteAllText(files.CaFile, LocalCertificates.CertificatePem(ca));
        files.WriteServer();
        return files;
    }

    /// <summary>
    /// Issues a new server certificate from the same CA and replaces the files in place (what a renewal does);
    /// returns the new certificate.
    /// </summary>
    public X509Certificate2 Rotate()
    {
        var previous = Server;
        Server = IssueServer(Ca);
        WriteServer();
        previous.Dispose();
        return Server;
    }

    /// <summary>Whether <paramref name="certificate"/> chains to this CA (and only it) with its name matching the host called.</summary>
    public bool Trusts(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    /// <summary>An HTTP handler that trusts this CA only, as <c>curl --cacert ca.crt</c> does.</summary>
    public SocketsHttpHandler TrustingHandler()
        => new() { SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusts(certificate, errors) } };

    public void Dispose()
    {
        Server.Dispose();
        Ca.Dispose();
    }

    private static X509Certificate2 IssueServer(X509Certificate2 ca)
        => LocalCertificates.IssueServer(ca, ["localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback], Lifetime);

    private void WriteServer()
    {
        // The key first, then the certificate: a reader between the two writes sees a mismatched pair, which the
        // services refuse and retry, never a certificate without its key.
        File.WriteAllText(KeyFile, LocalCertificates.KeyPem(Server));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllText(CertificateFile, LocalCertificates.CertificatePem(Server));
    }
}
