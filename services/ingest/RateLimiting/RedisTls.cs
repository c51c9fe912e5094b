using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LogDapr.Configuration.Ingest;
using LogDapr.ServiceDefaults.Tls;
using StackExchange.Redis;

namespace LogDapr.Ingest.RateLimiting;

/// <summary>
/// TLS to the rate-limit Redis when its connection string says ssl=true: the server's certificate checked against
/// Ingest:RateLimit:RedisCaFile (that bundle only, never the system store; the host name still has to match), and a
/// client certificate for <c>tls-auth-clients yes</c>. The files are read at each new connection, not watched: a
/// rotated CA bundle or client certificate applies from the next reconnect. Why a handshake was refused is kept, so
/// readiness and the degraded log can say "certificate not accepted" instead of only "not connected".
/// </summary>
/// <remarks>
/// Not StackExchange.Redis's TrustIssuer: it trusts one certificate read once when the options are made, where a
/// bundle (two CAs during a rotation) read per connection is needed here.
/// </remarks>
public sealed partial class RedisTls
{
    private const string CaKey = RateLimitOptions.Section + ":" + nameof(RateLimitOptions.RedisCaFile);
    private const string CertificateKey = RateLimitOptions.Section + ":" + nameof(RateLimitOptions.RedisCertificateFile);
    private const string KeyKey = RateLimitOptions.Section + ":" + nameof(RateLimitOptions.RedisKeyFile);

    private readonly RateLimitOptions options;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private volatile string? rejection;
    private string? reported;
    private (byte[] Hash, X509Certificate2 Certificate)? client;

    public RedisTls(RateLimitOptions options, ILogger logger)
    {
        this.options = options;
        this.logger = logger;
    }

    /// <summary>Why the last TLS handshake with Redis was refused on this side; null after one succeeds.</summary>
    public string? Rejection => rejection;

    /// <summary>Whether a connection string turns TLS on (ssl=true); false for one that does not parse.</summary>
    public static bool Requested(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return false;
        }

        try
        {
            return ConfigurationOptions.Parse(connectionString).Ssl;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Hooks the certificate checks into <paramref name="configuration"/> when it speaks TLS.</summary>
    public void Apply(ConfigurationOptions configuration)
    {
        if (!configuration.Ssl)
        {
            return;
        }

        configuration.CertificateValidation += ValidateServer;
        if (!string.IsNullOrWhiteSpace(options.RedisCertificateFile))
        {
            configuration.CertificateSelection += (_, _, _, _, _) => ClientCertificate();
        }
    }

    /// <summary>Start-up check of the TLS settings, each failure naming its setting.</summary>
    public static IReadOnlyList<string> Validate(RateLimitOptions options)
    {
        var failures = new List<string>();
        var ca = !string.IsNullOrWhiteSpace(options.RedisCaFile);
        var certificate = !string.IsNullOrWhiteSpace(options.RedisCertificateFile);
        var key = !string.IsNullOrWhiteSpace(options.RedisKeyFile);
        if (!ca && !certificate && !key)
        {
            return failures;
        }

        if (!Requested(options.RedisConnectionString))
        {
            failures.Add($"{CaKey}, {CertificateKey} or {KeyKey} is set but {RateLimitOptions.Section}:{nameof(RateLimitOptions.RedisConnectionString)} does not turn TLS on; add ssl=true to it (and sslHost=<name in the server's certificate> when connecting by address), or remove the TLS files.");
        }

        if (certificate != key)
        {
            failures.Add(certificate
                ? $"{CertificateKey} is set but {KeyKey} is not; give the PEM private key of the client certificate (tls.key)."
                : $"{KeyKey} is set but {CertificateKey} is not; give the PEM client certificate (tls.crt) the key belongs to.");
        }

        try
        {
            if (ca)
            {
                foreach (var authority in TlsFiles.CaBundle(TlsFiles.ReadSetting(options.RedisCaFile!, CaKey), options.RedisCaFile!, CaKey))
                {
                    authority.Dispose();
                }
            }

            if (certificate && key)
            {
                LoadClient(options).Certificate.Dispose();
            }
        }
        catch (TlsFileException ex)
        {
            failures.Add(ex.Message);
        }

        return failures;
    }

    private bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var reason = Check(certificate, errors, (sender as SslStream)?.TargetHostName);
        if (reason is null)
        {
            rejection = null;
            return true;
        }

        rejection = reason;
        lock (gate)
        {
            // Once per reason: a reconnect loop against the wrong server must not log every second.
            if (reason != reported)
            {
                reported = reason;
                LogRejected(logger, reason);
            }
        }

        return false;
    }

    private string? Check(X509Certificate? certificate, SslPolicyErrors errors, string? host)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return "the Redis server's TLS certificate was not accepted: the server sent none.";
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return $"the Redis server's TLS certificate was not accepted: it does not name the host '{host}' (set sslHost in the connection string to a name the certificate has).";
        }

        if (string.IsNullOrWhiteSpace(options.RedisCaFile))
        {
            return errors == SslPolicyErrors.None
                ? null
                : $"the Redis server's TLS certificate was not accepted: it does not chain to a CA of the system store ({errors}); give its CA bundle in {CaKey}.";
        }

        X509Certificate2Collection authorities;
        try
        {
            authorities = TlsFiles.CaBundle(TlsFiles.ReadSetting(options.RedisCaFile, CaKey), options.RedisCaFile, CaKey);
        }
        catch (TlsFileException ex)
        {
            return $"the Redis server's TLS certificate was not accepted: {ex.Message}";
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var built = new X509Chain();
        built.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        built.ChainPolicy.CustomTrustStore.AddRange(authorities);
        built.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        built.ChainPolicy.DisableCertificateDownloads = true;
        try
        {
            if (built.Build(leaf))
            {
                return null;
            }

            var status = string.Join("; ", built.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            return $"the Redis server's TLS certificate ({leaf.Subject}) was not accepted: it does not chain to a CA in {CaKey} '{options.RedisCaFile}' ({status}).";
        }
        catch (CryptographicException ex)
        {
            return $"the Redis server's TLS certificate was not accepted: {ex.Message}";
        }
        finally
        {
            foreach (var element in built.ChainElements)
            {
                element.Certificate.Dispose();
            }

            foreach (var authority in authorities)
            {
                authority.Dispose();
            }
        }
    }

    /// <summary>The client certificate, re-read per connection and kept while the files are unchanged.</summary>
    private X509Certificate2? ClientCertificate()
    {
        lock (gate)
        {
            try
            {
                var (hash, certificate) = LoadClient(options);
                if (client is { } known && known.Hash.AsSpan().SequenceEqual(hash))
                {
                    certificate.Dispose();
                    return known.Certificate;
                }

                // The previous one is not disposed: a handshake in flight may still be using it.
                client = (hash, certificate);
                return certificate;
            }
            catch (TlsFileException ex)
            {
                LogClientCertificateUnusable(logger, ex.Message);
                return client?.Certificate;
            }
        }
    }

    private static (byte[] Hash, X509Certificate2 Certificate) LoadClient(RateLimitOptions options)
    {
        var certificatePem = TlsFiles.ReadSetting(options.RedisCertificateFile!, CertificateKey);
        var keyPem = TlsFiles.ReadSetting(options.RedisKeyFile!, KeyKey);
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(certificatePem + "\u0001" + keyPem));
        try
        {
            return (hash, X509Certificate2.CreateFromPem(certificatePem, keyPem));
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new TlsFileException(
                $"{KeyKey} '{options.RedisKeyFile}' is not an unencrypted PEM private key of the certificate in {CertificateKey} '{options.RedisCertificateFile}' (or that file holds no PEM certificate): {ex.Message}", ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TLS to the rate-limit Redis refused on this side: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The rate-limit Redis client certificate cannot be loaded; using the previous one, if any: {Reason}")]
    private static partial void LogClientCertificateUnusable(ILogger logger, string reason);
}
