using LogDapr.Configuration.Tls;
using Microsoft.Extensions.Options;

namespace LogDapr.ServiceDefaults.Tls;

/// <summary>Start-up validation of section Tls: every file is read and the pair is loaded, so a wrong mount fails the start with its reason.</summary>
public sealed class ServerTlsOptionsValidator : IValidateOptions<ServerTlsOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerTlsOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.CertificateFile))
        {
            if (!string.IsNullOrWhiteSpace(options.KeyFile) || !string.IsNullOrWhiteSpace(options.ClientCaFile) || options.ClientCertificates != ClientCertificateRequirement.None)
            {
                failures.Add("Tls:KeyFile, Tls:ClientCaFile or Tls:ClientCertificates is set but Tls:CertificateFile is not; set it to serve HTTPS, or remove the others to serve plain HTTP.");
            }

            return Result(failures);
        }

        if (string.IsNullOrWhiteSpace(options.KeyFile))
        {
            failures.Add("Tls:CertificateFile is set but Tls:KeyFile is not; give the PEM private key of the certificate (tls.key of a Kubernetes TLS Secret).");
        }

        if (options.ClientCertificates != ClientCertificateRequirement.None && string.IsNullOrWhiteSpace(options.ClientCaFile))
        {
            failures.Add($"Tls:ClientCertificates is {options.ClientCertificates} but Tls:ClientCaFile is not set; give the PEM bundle of the CAs client certificates must chain to.");
        }

        if (failures.Count > 0)
        {
            return Result(failures);
        }

        try
        {
            var certificate = ServerCertificate.FromPem(
                TlsFiles.Read(options.CertificateFile, nameof(ServerTlsOptions.CertificateFile)),
                TlsFiles.Read(options.KeyFile!, nameof(ServerTlsOptions.KeyFile)),
                options.CertificateFile, options.KeyFile!);
            certificate.Leaf.Dispose();
            if (!string.IsNullOrWhiteSpace(options.ClientCaFile))
            {
                foreach (var ca in TlsFiles.CaBundle(TlsFiles.Read(options.ClientCaFile, nameof(ServerTlsOptions.ClientCaFile)), options.ClientCaFile))
                {
                    ca.Dispose();
                }
            }
        }
        catch (TlsFileException ex)
        {
            failures.Add(ex.Message);
        }

        return Result(failures);
    }

    private static ValidateOptionsResult Result(List<string> failures)
        => failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
