using LogDapr.Configuration.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace LogDapr.ServiceDefaults.Tls;

/// <summary>
/// HTTPS on every Kestrel listener of the service when Tls:CertificateFile is set: the ones from the configured URLs
/// and the ones set in code (ingest's OTLP/gRPC port), through Kestrel's endpoint defaults.
/// </summary>
public static class ServerTlsHosting
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    public static WebApplicationBuilder AddServerTls(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ServerTlsOptions>()
            .Bind(builder.Configuration.GetSection(ServerTlsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ServerTlsOptions>, ServerTlsOptionsValidator>();
        builder.Services.AddSingleton<ServerTlsCertificates>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(ServerTlsCertificates.MeterName));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ServerTlsCertificates>());
        builder.Services.AddSingleton<ClientCertificateTrust>();
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<ServerTlsCertificates, ClientCertificateTrust>((kestrel, certificates, trust) =>
            {
                if (!certificates.Enabled)
                {
                    return;
                }

                kestrel.ConfigureEndpointDefaults(listen => listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    // Read per connection: the listener's protocols are set after the defaults, and the certificate
                    // is whatever the files hold now.
                    OnConnection = _ => ValueTask.FromResult(certificates.HandshakeOptions(listen.Protocols, trust.AcceptAtHandshake)),
                    HandshakeTimeout = HandshakeTimeout,
                }));
            });
        return builder;
    }

    /// <summary>Whether the configuration turns HTTPS on (Tls:CertificateFile), for code that builds listeners.</summary>
    public static bool Enabled(IConfiguration configuration)
        => !string.IsNullOrWhiteSpace(configuration.GetSection(ServerTlsOptions.Section)[nameof(ServerTlsOptions.CertificateFile)]);
}
