using LogDapr.Configuration.Ingest;
using LogDapr.Ingest.RateLimiting;
using LogDapr.LocalStack.Tls;
using LogDapr.TestSupport;

namespace LogDapr.Ingest.Tests.EdgeProtection;

/// <summary>The rate-limit Redis TLS files are checked at start-up: a wrong mount stops the service with the setting and the file named.</summary>
public sealed class RateLimitTlsValidationTests : IDisposable
{
    private const string Tls = "127.0.0.1:6380,ssl=true,sslHost=localhost";
    private readonly TestTls tls = new();

    public void Dispose() => tls.Dispose();

    private static string Failure(RateLimitOptions options)
    {
        var result = new RateLimitTlsValidator().Validate(null, options);
        Assert.True(result.Failed, "expected a validation failure");
        return result.FailureMessage;
    }

    private RateLimitOptions Options(string connection = Tls) => new() { Enabled = true, RedisConnectionString = connection };

    [Fact]
    public void A_ca_bundle_and_a_client_certificate_with_its_key_are_valid_and_no_tls_files_at_all_is_too()
    {
        var client = tls.Client("CN=ingest");
        var certificateFile = Path.Combine(tls.Files.Directory, "client.crt");
        var keyFile = Path.Combine(tls.Files.Directory, "client.key");
        File.WriteAllText(certificateFile, LocalCertificates.CertificatePem(client));
        File.WriteAllText(keyFile, LocalCertificates.KeyPem(client));
        var options = Options();
        options.RedisCaFile = tls.Files.CaFile;
        options.RedisCertificateFile = certificateFile;
        options.RedisKeyFile = keyFile;

        Assert.True(new RateLimitTlsValidator().Validate(null, options).Succeeded);
        Assert.True(new RateLimitTlsValidator().Validate(null, Options("127.0.0.1:6379")).Succeeded);
    }

    [Fact]
    public void A_ca_without_tls_in_the_connection_string_is_refused()
    {
        var options = Options("127.0.0.1:6379");
        options.RedisCaFile = tls.Files.CaFile;

        var failure = Failure(options);

        Assert.Contains("Ingest:RateLimit:RedisConnectionString does not turn TLS on", failure, StringComparison.Ordinal);
        Assert.Contains("ssl=true", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_ca_file_is_named()
    {
        var options = Options();
        options.RedisCaFile = "/nonexistent/ca.crt";

        Assert.Contains("Ingest:RateLimit:RedisCaFile '/nonexistent/ca.crt' does not exist", Failure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void A_ca_file_without_a_certificate_is_refused()
    {
        var options = Options();
        options.RedisCaFile = tls.Files.KeyFile;

        Assert.Contains("Ingest:RateLimit:RedisCaFile", Failure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_certificate_without_its_key_setting_is_refused()
    {
        var options = Options();
        options.RedisCertificateFile = tls.Files.CertificateFile;

        Assert.Contains("Ingest:RateLimit:RedisKeyFile is not", Failure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_that_is_not_the_client_certificates_is_refused()
    {
        var path = Path.Combine(tls.Files.Directory, "other.key");
        File.WriteAllText(path, LocalCertificates.KeyPem(tls.Client("CN=other")));
        var options = Options();
        options.RedisCertificateFile = tls.Files.CertificateFile;
        options.RedisKeyFile = path;

        Assert.Contains("is not an unencrypted PEM private key of the certificate in Ingest:RateLimit:RedisCertificateFile", Failure(options), StringComparison.Ordinal);
    }
}
