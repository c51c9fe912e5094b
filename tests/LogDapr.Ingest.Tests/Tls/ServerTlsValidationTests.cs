using LogDapr.Configuration.Tls;
using LogDapr.Ingest.Tests.Support;
using LogDapr.ServiceDefaults.Tls;
using LogDapr.TestSupport;

namespace LogDapr.Ingest.Tests.Tls;

/// <summary>Section Tls is checked at start-up: a wrong mount stops the service with the setting and the file named.</summary>
public sealed class ServerTlsValidationTests : IDisposable
{
    private readonly TestTls tls = new();

    public void Dispose() => tls.Dispose();

    private static string Failure(ServerTlsOptions options)
    {
        var result = new ServerTlsOptionsValidator().Validate(null, options);
        Assert.True(result.Failed, "expected a validation failure");
        return result.FailureMessage;
    }

    [Fact]
    public void The_files_of_a_tls_secret_are_valid_and_no_certificate_at_all_is_plain_http()
    {
        Assert.True(new ServerTlsOptionsValidator().Validate(null, new ServerTlsOptions
        {
            CertificateFile = tls.Files.CertificateFile,
            KeyFile = tls.Files.KeyFile,
            ClientCaFile = tls.Files.CaFile,
            ClientCertificates = ClientCertificateRequirement.Required,
        }).Succeeded);
        Assert.True(new ServerTlsOptionsValidator().Validate(null, new ServerTlsOptions()).Succeeded);
    }

    [Fact]
    public void A_missing_certificate_file_is_named()
        => Assert.Contains("Tls:CertificateFile '/nonexistent/tls.crt' does not exist", Failure(new() { CertificateFile = "/nonexistent/tls.crt", KeyFile = tls.Files.KeyFile }), StringComparison.Ordinal);

    [Fact]
    public void A_missing_key_file_is_named()
        => Assert.Contains("Tls:KeyFile '/nonexistent/tls.key' does not exist", Failure(new() { CertificateFile = tls.Files.CertificateFile, KeyFile = "/nonexistent/tls.key" }), StringComparison.Ordinal);

    [Fact]
    public void A_certificate_without_a_key_setting_is_refused()
        => Assert.Contains("Tls:KeyFile is not", Failure(new() { CertificateFile = tls.Files.CertificateFile }), StringComparison.Ordinal);

    [Fact]
    public void A_key_that_is_not_the_certificates_is_refused()
    {
        var path = Path.Combine(tls.Files.Directory, "other.key");
        File.WriteAllText(path, LogDapr.LocalStack.Tls.LocalCertificates.KeyPem(tls.Client("CN=other,O=acme")));

        Assert.Contains("is not an unencrypted PEM private key of the certificate", Failure(new() { CertificateFile = tls.Files.CertificateFile, KeyFile = path }), StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_file_without_a_certificate_is_refused()
        => Assert.Contains("holds no PEM certificate", Failure(new() { CertificateFile = tls.Files.KeyFile, KeyFile = tls.Files.KeyFile }), StringComparison.Ordinal);

    [Theory]
    [InlineData(ClientCertificateRequirement.Optional)]
    [InlineData(ClientCertificateRequirement.Required)]
    public void Client_certificates_without_a_ca_bundle_are_refused(ClientCertificateRequirement requirement)
        => Assert.Contains("Tls:ClientCaFile is not set", Failure(new() { CertificateFile = tls.Files.CertificateFile, KeyFile = tls.Files.KeyFile, ClientCertificates = requirement }), StringComparison.Ordinal);

    [Fact]
    public void A_ca_bundle_without_a_certificate_is_refused()
        => Assert.Contains("Tls:ClientCaFile", Failure(new()
        {
            CertificateFile = tls.Files.CertificateFile,
            KeyFile = tls.Files.KeyFile,
            ClientCaFile = tls.Files.KeyFile,
            ClientCertificates = ClientCertificateRequirement.Optional,
        }), StringComparison.Ordinal);

    [Fact]
    public void Tls_settings_without_a_certificate_are_refused()
        => Assert.Contains("Tls:CertificateFile is not", Failure(new() { KeyFile = tls.Files.KeyFile }), StringComparison.Ordinal);

    [Fact]
    public void Ingest_does_not_start_with_a_certificate_file_that_does_not_exist()
    {
        var settings = tls.ServerSettings();
        settings["Tls:CertificateFile"] = "/nonexistent/tls.crt";
        using var factory = IngestFactory.SidecarDown(settings);

        var refused = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Tls:CertificateFile '/nonexistent/tls.crt' does not exist", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Outside_development_plain_http_is_warned_about_once_at_start()
    {
        using var factory = IngestFactory.SidecarDown(new Dictionary<string, string> { ["environment"] = "Production" });

        using var client = factory.CreateClient();

        Assert.Single(factory.Logs.Entries, e => e.Contains("Tls:CertificateFile is not set: serving plain HTTP", StringComparison.Ordinal));
    }
}
