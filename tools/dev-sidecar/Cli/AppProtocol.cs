namespace LogDapr.DevSidecar.Cli;

/// <summary>
/// daprd's <c>--app-protocol</c> for the HTTP app channel. With <c>https</c> daprd calls the app over TLS 1.2+ and does
/// not verify the app's certificate (dapr v1.16.0 <c>pkg/runtime/channels/channels.go</c> appHTTPClient:
/// <c>InsecureSkipVerify: true</c>, <c>MinVersion: channel.AppChannelMinTLSVersion</c> = TLS 1.2, HTTP/1.1, no client
/// certificate): the app's own certificate may be self-signed or for a name other than localhost. The protocol applies
/// to every <c>--app</c> here (a daprd serves one app); gRPC protocols are not modelled.
/// </summary>
public static class AppProtocol
{
    public const string Http = "http";
    public const string Https = "https";

    /// <summary>With https, turns every <c>http://</c> app URL into <c>https://</c> (daprd builds the URL from the protocol).</summary>
    public static bool TryApply(string protocol, List<AppTarget> apps, out string? error)
    {
        error = null;
        switch (protocol.Trim().ToLowerInvariant())
        {
            case Http:
                return true;
            case Https:
                for (var i = 0; i < apps.Count; i++)
                {
                    if (apps[i].BaseUri.Scheme == Uri.UriSchemeHttp)
                    {
                        apps[i] = apps[i] with { BaseUri = new UriBuilder(apps[i].BaseUri) { Scheme = Uri.UriSchemeHttps }.Uri };
                    }
                }

                return true;
            default:
                error = $"--app-protocol '{protocol}' is not supported by the development sidecar (http or https; daprd's grpc, grpcs and h2c are not modelled)";
                return false;
        }
    }
}
