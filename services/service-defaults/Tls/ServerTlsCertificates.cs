using System.Diagnostics.Metrics;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using LogDapr.Configuration.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogDapr.ServiceDefaults.Tls;

/// <summary>
/// The service's certificate, key and client CA bundle, re-read every Tls:ReloadInterval. A Kubernetes Secret update
/// swaps the mounted files at once (the <c>..data</c> symlink), cert-manager renews in place: the files' content is
/// compared, not their times, and a new pair is served to the next handshake while open connections keep the one they
/// negotiated. A pair that does not load (half-written, or a key of another certificate) keeps the previous
/// certificate and is reported once.
/// </summary>
public sealed partial class ServerTlsCertificates : BackgroundService
{
    /// <summary>The meter of the served certificate's expiry, exported by every service that serves TLS.</summary>
    public const string MeterName = "LogDapr.Tls";

    private readonly ServerTlsOptions options;
    private readonly TimeProvider time;
    private readonly IHostEnvironment environment;
    private readonly ILogger<ServerTlsCertificates> logger;
    private readonly Lock gate = new();
    private volatile TlsMaterial? current;
    private byte[] loadedHash = [];
    private byte[] refusedHash = [];

    public ServerTlsCertificates(IOptions<ServerTlsOptions> options, TimeProvider time, IHostEnvironment environment, ILogger<ServerTlsCertificates> logger, IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        this.options = options.Value;
        this.time = time;
        this.environment = environment;
        this.logger = logger;
        if (Enabled)
        {
            // Start-up validation has loaded the same files; a failure here is a file changed in between.
            var (material, hash) = Load(1);
            current = material;
            loadedHash = hash;
        }

        // Seconds left on what is served now, so an alert can fire well before a renewal that never came.
        meters.Create(MeterName).CreateObservableGauge("logdapr.tls.certificate.expiry", ObserveExpiry, "s",
            "Seconds until the served certificate's NotAfter (negative once expired); no value while serving plain HTTP.");
    }

    public bool Enabled => !string.IsNullOrWhiteSpace(options.CertificateFile);

    public ClientCertificateRequirement ClientCertificates => options.ClientCertificates;

    /// <summary>The certificate and CA bundle served now; null when TLS is off.</summary>
    public TlsMaterial? Current => current;

    /// <summary>The handshake settings for one connection on a listener speaking <paramref name="protocols"/>.</summary>
    public SslServerAuthenticationOptions HandshakeOptions(HttpProtocols protocols, Func<X509Certificate2?, bool> clientCertificateCheck)
    {
        var material = current ?? throw new InvalidOperationException("TLS is not configured (Tls:CertificateFile).");
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = material.Server.Context,
            // TLS 1.0 and 1.1 are deprecated (RFC 8996); the OS default may still allow them.
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ApplicationProtocols = protocols switch
            {
                HttpProtocols.Http2 => [SslApplicationProtocol.Http2],
                HttpProtocols.Http1 => [SslApplicationProtocol.Http11],
                _ => [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
            },
            ClientCertificateRequired = options.ClientCertificates != ClientCertificateRequirement.None,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, _, _) => clientCertificateCheck(certificate as X509Certificate2),
        };
    }

    /// <summary>Re-reads the files; serves them from the next handshake when they changed and load.</summary>
    public void Reload()
    {
        if (!Enabled)
        {
            return;
        }

        lock (gate)
        {
            byte[] hash;
            try
            {
                hash = ContentHash();
            }
            catch (TlsFileException ex)
            {
                Refuse(ex.Message, []);
                return;
            }

            if (hash.AsSpan().SequenceEqual(loadedHash) || hash.AsSpan().SequenceEqual(refusedHash))
            {
                return;
            }

            try
            {
                var (material, loaded) = Load((current?.Generation ?? 0) + 1);
                current = material;
                loadedHash = loaded;
                refusedHash = [];
                LogReloaded(logger, material.Server.Leaf.Subject, material.Server.Fingerprint, material.Server.Leaf.NotAfter.ToUniversalTime());
            }
            catch (TlsFileException ex)
            {
                Refuse(ex.Message, hash);
            }
        }
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (current is { } material)
        {
            LogServing(logger, material.Server.Leaf.Subject, material.Server.Fingerprint, material.Server.Leaf.NotAfter.ToUniversalTime(), options.ClientCertificates);
        }
        else if (!environment.IsDevelopment())
        {
            LogPlainHttp(logger);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.ReloadInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            Reload();
        }
    }

    private void Refuse(string reason, byte[] hash)
    {
        // Once per content: a file left half-written is not reported on every tick.
        if (hash.Length == 0 || !hash.AsSpan().SequenceEqual(refusedHash))
        {
            refusedHash = hash;
            LogRefused(logger, reason);
        }
    }

    private IEnumerable<Measurement<double>> ObserveExpiry()
    {
        if (current is { } material)
        {
            yield return new Measurement<double>((material.Server.Leaf.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime).TotalSeconds);
        }
    }

    private (TlsMaterial Material, byte[] Hash) Load(long generation)
    {
        var certificatePem = TlsFiles.Read(options.CertificateFile!, nameof(ServerTlsOptions.CertificateFile));
        var keyPem = TlsFiles.Read(options.KeyFile!, nameof(ServerTlsOptions.KeyFile));
        var caPem = options.ClientCaFile is { Length: > 0 } ca ? TlsFiles.Read(ca, nameof(ServerTlsOptions.ClientCaFile)) : null;
        var server = ServerCertificate.FromPem(certificatePem, keyPem, options.CertificateFile!, options.KeyFile!);
        var cas = caPem is null ? null : TlsFiles.CaBundle(caPem, options.ClientCaFile!);
        return (new TlsMaterial(server, cas, generation), Hash(certificatePem, keyPem, caPem));
    }

    private byte[] ContentHash()
        => Hash(TlsFiles.Read(options.CertificateFile!, nameof(ServerTlsOptions.CertificateFile)),
            TlsFiles.Read(options.KeyFile!, nameof(ServerTlsOptions.KeyFile)),
            options.ClientCaFile is { Length: > 0 } ca ? TlsFiles.Read(ca, nameof(ServerTlsOptions.ClientCaFile)) : null);

    private static byte[] Hash(string certificatePem, string keyPem, string? caPem)
        => SHA256.HashData(Encoding.UTF8.GetBytes(certificatePem + "\u0001" + keyPem + "\u0001" + caPem));

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving HTTPS (TLS 1.2+) with certificate {Subject}, SHA-256 {Fingerprint}, valid until {NotAfter:O}; client certificates: {ClientCertificates}")]
    private static partial void LogServing(ILogger logger, string subject, string fingerprint, DateTime notAfter, ClientCertificateRequirement clientCertificates);

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS files changed: new handshakes get certificate {Subject}, SHA-256 {Fingerprint}, valid until {NotAfter:O}")]
    private static partial void LogReloaded(ILogger logger, string subject, string fingerprint, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TLS files changed but cannot be used; still serving the previous certificate: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tls:CertificateFile is not set: serving plain HTTP. Terminate TLS in front of this service (mesh or ingress), or mount a certificate and set Tls:CertificateFile and Tls:KeyFile.")]
    private static partial void LogPlainHttp(ILogger logger);
}
