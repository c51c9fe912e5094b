using System.Net;

namespace LogDapr.LoadGen.Http;

/// <summary>
/// The HttpClient of a run: one connection per in-flight request (HTTP/1.1, as most log shippers use), no
/// connection churn, no automatic retries or decompression, so what is measured is the server, not the client.
/// </summary>
public static class LoadHttpClient
{
    public static HttpClient Create(int maxConnections, TimeSpan requestTimeout)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, maxConnections),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        return new HttpClient(handler, disposeHandler: true)
        {
            Timeout = requestTimeout,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }
}
