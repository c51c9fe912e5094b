using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using LogDapr.Ingest.Tests.Otlp;
using LogDapr.Ingest.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Ingest.Tests.Tls;

/// <summary>Real TLS handshakes against ingest serving HTTPS from PEM files (Tls:CertificateFile, Tls:KeyFile).</summary>
public sealed class IngestHttpsTests(SidecarFixture sidecar) : IClassFixture<SidecarFixture>
{
    private static StringContent Event(string tenant)
        => new($$"""{"tenant_id":"{{tenant}}","service":"api","severity":"info","message":"over tls"}""", Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_client_trusting_the_ca_is_served_and_one_that_does_not_is_refused_at_the_handshake()
    {
        using var rig = new IngestTlsRig(sidecar);
        using var trusting = rig.Tls.Client(rig.Https);
        using var untrusting = rig.Tls.Client(rig.Https, trustCa: false);

        using var answer = await trusting.GetAsync("/healthz");
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync("/healthz"));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.IsType<AuthenticationException>(refused.InnerException);
    }

    [Fact]
    public async Task Plain_http_on_the_https_port_gets_no_answer()
    {
        using var rig = new IngestTlsRig(sidecar);
        using var plain = new HttpClient { BaseAddress = new Uri($"http://localhost:{rig.Https.Port}") };

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync("/healthz"));
    }

    [Fact]
    public async Task Http2_and_http11_are_both_negotiated_by_alpn()
    {
        using var rig = new IngestTlsRig(sidecar);
        using var client = rig.Tls.Client(rig.Https);

        using var h2 = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/healthz") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact });
        using var h11 = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/healthz") { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact });

        Assert.Equal(HttpVersion.Version20, h2.Version);
        Assert.Equal(HttpVersion.Version11, h11.Version);
    }

    [Theory]
#pragma warning disable SYSLIB0039 // TLS 1.0 and 1.1 are obsolete: that is what is tested.
    [InlineData(SslProtocols.Tls11)]
    [InlineData(SslProtocols.Tls)]
    [InlineData(SslProtocols.Tls | SslProtocols.Tls11)]
#pragma warning restore SYSLIB0039
    public async Task No_tls_10_or_11_session_is_established_while_tls_12_and_13_are(SslProtocols old)
    {
        using var rig = new IngestTlsRig(sidecar);

        var refused = await Record.ExceptionAsync(() => HandshakeAsync(rig, old));
        var tls12 = await HandshakeAsync(rig, SslProtocols.Tls12);
        var tls13 = await HandshakeAsync(rig, SslProtocols.Tls13);

        // Refused whether the server or this machine's OpenSSL says no first: no old session ever comes up.
        Assert.True(refused is AuthenticationException or IOException, $"a {old} handshake completed: {refused}");
        Assert.Equal(SslProtocols.Tls12, tls12);
        Assert.Equal(SslProtocols.Tls13, tls13);
    }

    [Fact]
    public async Task A_rotated_certificate_is_served_to_the_next_connection_while_an_open_one_keeps_working()
    {
        using var rig = new IngestTlsRig(sidecar);
        var first = rig.Tls.Files.Server.Thumbprint;
        string? seenByOpen = null;
        using var open = new HttpClient(Observing(rig.Tls, t => seenByOpen ??= t)) { BaseAddress = rig.Https };
        Assert.Equal(HttpStatusCode.OK, (await open.GetAsync("/healthz")).StatusCode);

        var rotated = rig.Tls.Files.Rotate().Thumbprint;
        string? seenByNew = null;
        await Eventually.TrueAsync(async () =>
        {
            using var fresh = new HttpClient(Observing(rig.Tls, t => seenByNew = t)) { BaseAddress = rig.Https };
            using var answer = await fresh.GetAsync("/healthz");
            return seenByNew == rotated;
        }, () => $"new connections still get {seenByNew}, not the rotated {rotated}\n{rig.Factory.Logs.All}");
        using var stillOpen = await open.GetAsync("/healthz");

        Assert.Equal(first, seenByOpen);
        Assert.Equal(HttpStatusCode.OK, stillOpen.StatusCode);
        // The swap is logged just after it is served: wait for the line rather than race it.
        await Eventually.TrueAsync(() => rig.Factory.Logs.All.Contains("TLS files changed: new handshakes get certificate", StringComparison.Ordinal), "the rotation is logged");
    }

    [Fact]
    public async Task A_half_written_pair_keeps_the_previous_certificate_and_is_reported()
    {
        using var rig = new IngestTlsRig(sidecar);
        var served = rig.Tls.Files.Server.Thumbprint;
        using var other = X509Certificate2.CreateFromPemFile(rig.Tls.Files.CertificateFile, rig.Tls.Files.KeyFile);
        using var stranger = rig.Tls.Client("CN=stranger,O=acme");
        // A certificate whose key is not in the key file: what a reader sees between the two writes of an update.
        await File.WriteAllTextAsync(rig.Tls.Files.CertificateFile, stranger.ExportCertificatePem());

        await Eventually.TrueAsync(() => rig.Factory.Logs.All.Contains("cannot be used; still serving the previous certificate", StringComparison.Ordinal), "the refused pair is reported");
        string? seen = null;
        using var client = new HttpClient(Observing(rig.Tls, t => seen = t)) { BaseAddress = rig.Https };
        using var answer = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(served, seen);
    }

    [Fact]
    public async Task Otlp_grpc_is_served_over_tls_to_a_grpc_client_trusting_the_ca()
    {
        using var rig = new IngestTlsRig(sidecar);
        using var channel = GrpcChannel.ForAddress(rig.Grpc, new GrpcChannelOptions { HttpHandler = rig.Tls.Handler(), MaxRetryAttempts = 0 });
        var before = await sidecar.PublishedAsync("logs");
        var request = OtlpRequests.Request("checkout", null, OtlpRequests.Record("order shipped"));

        byte[]? answer = null;
        // UNAVAILABLE is the sidecar not confirming the publish in time on a loaded machine (a retryable answer), not TLS.
        for (var attempt = 0; answer is null && attempt < 10; attempt++)
        {
            try
            {
                answer = await channel.CreateCallInvoker().AsyncUnaryCall(Export, null,
                    new CallOptions(new Metadata { { "authorization", "Bearer " + rig.AcmeKey } }, DateTime.UtcNow.AddSeconds(30)), request.ToByteArray());
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && ex.InnerException is null)
            {
                await Task.Delay(500);
            }
        }

        Assert.NotNull(answer);
        Assert.True(await sidecar.PublishedAsync("logs") > before);
    }

    [Fact]
    public async Task Without_otlp_grpc_the_urls_kestrel_binds_serve_https_too()
    {
        using var rig = new IngestTlsRig(sidecar, otlpGrpc: false);
        using var client = rig.Tls.Client(rig.Https);
        var status = HttpStatusCode.ServiceUnavailable;
        // A 503 is the sidecar not confirming the publish in time on a loaded machine, not TLS: sent again.
        for (var attempt = 0; status == HttpStatusCode.ServiceUnavailable && attempt < 10; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = Event("acme") };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", rig.AcmeKey);
            using var answer = await client.SendAsync(request);
            status = answer.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Accepted, status);
    }

    private static readonly Method<byte[], byte[]> Export = new(MethodType.Unary, "opentelemetry.proto.collector.logs.v1.LogsService", "Export",
        Marshallers.Create(bytes => bytes, bytes => bytes), Marshallers.Create(bytes => bytes, bytes => bytes));

    private static SocketsHttpHandler Observing(TestTls tls, Action<string> seen)
    {
        var handler = tls.Handler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            seen(new X509Certificate2(certificate!).Thumbprint);
            return tls.TrustsCa(certificate, errors);
        };
        return handler;
    }

    private static async Task<SslProtocols> HandshakeAsync(IngestTlsRig rig, SslProtocols protocols)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, rig.Https.Port);
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocols,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => rig.Tls.TrustsCa(certificate, errors),
        });
        return ssl.SslProtocol;
    }
}
