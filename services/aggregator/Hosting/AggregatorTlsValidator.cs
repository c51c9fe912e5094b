using LogDapr.Configuration.Tls;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Hosting;

/// <summary>
/// The aggregator's port is also daprd's app channel, and daprd presents no client certificate there (dapr v1.16.0
/// pkg/runtime/channels/channels.go appHTTPClient): requiring one would refuse every subscription delivery at the
/// handshake. Optional asks for certificates and still lets daprd (with its app token) and API-key callers in.
/// </summary>
internal sealed class AggregatorTlsValidator : IValidateOptions<ServerTlsOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerTlsOptions options)
        => options.ClientCertificates == ClientCertificateRequirement.Required
            ? ValidateOptionsResult.Fail("Tls:ClientCertificates=Required is not possible on the aggregator: its port is also the Dapr sidecar's app channel, and daprd presents no client certificate, so every delivery would be refused. Use Optional (client certificates authenticate query callers; daprd keeps its app token).")
            : ValidateOptionsResult.Success;
}
