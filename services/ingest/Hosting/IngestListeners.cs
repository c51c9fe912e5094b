using System.Globalization;
using System.Net;
using LogDapr.ServiceDefaults.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace LogDapr.Ingest.Hosting;

/// <summary>
/// Kestrel's listeners when OTLP/gRPC is on. Kestrel ignores the configured URLs (ASPNETCORE_URLS, <c>--urls</c>,
/// ASPNETCORE_HTTP_PORTS) as soon as one listener is set in code, so the HTTP listeners are set here from those same
/// settings, HTTP/1.1 and HTTP/2 as before, and the gRPC port is added beside them, HTTP/2 only (h2c), on the same
/// hosts: a loopback-only ingest stays loopback-only. With Tls:CertificateFile set, every one of them serves HTTPS
/// (HTTP/2 by ALPN on the gRPC port), through Kestrel's endpoint defaults.
/// </summary>
internal static class IngestListeners
{
    /// <summary>Kestrel's address when nothing is configured.</summary>
    public const string DefaultUrl = "http://localhost:5000";

    private const string UrlsKey = "urls";
    private const string HttpPortsKey = "http_ports";
    private const string HttpsPortsKey = "https_ports";

    public static void Bind(KestrelServerOptions kestrel, IConfiguration configuration, int grpcPort)
    {
        var addresses = HttpAddresses(configuration, grpcPort);
        foreach (var address in addresses)
        {
            Listen(kestrel, address.Host, address.Port, HttpProtocols.Http1AndHttp2, address.UnixPipePath);
        }

        var hosts = addresses.Where(a => a.UnixPipePath is null).Select(a => a.Host).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (hosts.Count == 0 || hosts.Exists(IsWildcard))
        {
            kestrel.ListenAnyIP(grpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            return;
        }

        foreach (var host in hosts)
        {
            Listen(kestrel, host, grpcPort, HttpProtocols.Http2, unixPipePath: null);
        }
    }

    /// <summary>The HTTP addresses as Kestrel would take them from configuration; throws what cannot be served beside gRPC.</summary>
    public static IReadOnlyList<(string Host, int Port, string? UnixPipePath)> HttpAddresses(IConfiguration configuration, int grpcPort)
    {
        // With Tls:CertificateFile every listener, the gRPC one too, serves HTTPS (ServerTlsHosting), so https:// URLs
        // and HTTPS ports are the same listeners as http:// ones; without it there is no certificate to serve them with.
        var tls = ServerTlsHosting.Enabled(configuration);
        var urls = Split(configuration[UrlsKey]);
        if (urls.Count == 0)
        {
            if (!tls && Split(configuration[HttpsPortsKey]).Count > 0)
            {
                throw Invalid("HTTPS ports (ASPNETCORE_HTTPS_PORTS) need a certificate: set Tls:CertificateFile and Tls:KeyFile, or terminate TLS in front of ingest");
            }

            urls = [.. Split(configuration[HttpPortsKey]).Concat(Split(configuration[HttpsPortsKey])).Select(port => $"http://*:{port}")];
        }

        if (urls.Count == 0)
        {
            urls = [DefaultUrl];
        }

        var addresses = new List<(string, int, string?)>();
        foreach (var url in urls)
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException ex)
            {
                throw Invalid($"the URL '{url}' cannot be read: {ex.Message}");
            }

            if (!string.Equals(address.Scheme, "http", StringComparison.OrdinalIgnoreCase)
                && !(tls && string.Equals(address.Scheme, "https", StringComparison.OrdinalIgnoreCase)))
            {
                throw Invalid(tls
                    ? $"the URL '{url}' is neither http:// nor https://"
                    : $"the URL '{url}' is not http:// and Tls:CertificateFile is not set; set it (and Tls:KeyFile) to serve HTTPS, or terminate TLS in front of ingest");
            }

            if (address.PathBase.Length > 0)
            {
                throw Invalid($"the URL '{url}' has a path; Kestrel listens on a host and port only");
            }

            if (address.IsUnixPipe)
            {
                addresses.Add(("", 0, address.UnixPipePath));
                continue;
            }

            if (address.Port == grpcPort)
            {
                throw Invalid($"Ingest:OtlpGrpcPort {grpcPort.ToString(CultureInfo.InvariantCulture)} is also the port of the HTTP URL '{url}'; give gRPC a port of its own");
            }

            addresses.Add((address.Host, address.Port, null));
        }

        return addresses;
    }

    private static void Listen(KestrelServerOptions kestrel, string host, int port, HttpProtocols protocols, string? unixPipePath)
    {
        if (unixPipePath is not null)
        {
            kestrel.ListenUnixSocket(unixPipePath, listen => listen.Protocols = protocols);
        }
        else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(port, listen => listen.Protocols = protocols);
        }
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var ip))
        {
            kestrel.Listen(ip, port, listen => listen.Protocols = protocols);
        }
        else
        {
            // Kestrel binds every interface for "+", "*" and any host name.
            kestrel.ListenAnyIP(port, listen => listen.Protocols = protocols);
        }
    }

    private static bool IsWildcard(string host)
        => !string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) && !IPAddress.TryParse(host.Trim('[', ']'), out _)
            || host is "0.0.0.0" or "[::]" or "::";

    private static List<string> Split(string? value)
        => value is null ? [] : [.. value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static InvalidOperationException Invalid(string reason)
        => new($"Ingest:OtlpGrpcPort is on, so ingest sets Kestrel's listeners itself, and {reason} (or set Ingest:OtlpGrpcPort=0 to turn OTLP/gRPC off).");
}
