using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;
using LogDapr.Ingest.Tests.Support;

namespace LogDapr.Ingest.Tests.Tls;

/// <summary>Client certificates (Tls:ClientCertificates) as an alternative to API keys, with real handshakes.</summary>
public sealed class IngestMutualTlsTests(SidecarFixture sidecar) : IClassFixture<SidecarFixture>
{
    private static HttpRequestMessage Post(string tenant, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/logs")
        {
            Content = new StringContent($$"""{"tenant_id":"{{tenant}}","service":"api","severity":"info","message":"mtls"}""", Encoding.UTF8, "application/json"),
        };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return request;
    }

    /// <summary>Sends, resending on 503 (the sidecar not confirming a publish in time on a loaded machine, not TLS).</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string tenant, string? key = null)
    {
        var response = await client.SendAsync(Post(tenant, key));
        for (var attempt = 1; attempt < 10 && response.StatusCode == HttpStatusCode.ServiceUnavailable; attempt++)
        {
            response.Dispose();
            await Task.Delay(500);
            response = await client.SendAsync(Post(tenant, key));
        }

        return response;
    }

    [Fact]
    public async Task A_certificate_naming_a_tenant_writes_that_tenant_and_is_forbidden_another()
    {
        using var rig = new IngestTlsRig(sidecar, "Required");
        using var client = rig.Tls.Client(rig.Https, clientCertificate: rig.Tls.Client("CN=shipper-1,O=Example", "logdapr://tenant/acme"));
        var before = await sidecar.PublishedAsync("logs");

        using var own = await SendAsync(client, "acme");
        using var other = await SendAsync(client, "globex");

        Assert.Equal(HttpStatusCode.Accepted, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.True(await sidecar.PublishedAsync("logs") > before);
    }

    [Fact]
    public async Task Without_a_san_uri_the_subjects_organization_is_the_tenant()
    {
        using var rig = new IngestTlsRig(sidecar, "Required");
        using var client = rig.Tls.Client(rig.Https, clientCertificate: rig.Tls.Client("CN=shipper-2,O=globex"));

        using var own = await SendAsync(client, "globex");
        using var other = await SendAsync(client, "acme");

        Assert.Equal(HttpStatusCode.Accepted, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task Required_refuses_a_certificate_of_another_ca_and_no_certificate_at_the_handshake()
    {
        using var rig = new IngestTlsRig(sidecar, "Required");
        using var foreign = rig.Tls.Client(rig.Https, clientCertificate: rig.Tls.ForeignClient("CN=intruder,O=acme", "logdapr://tenant/acme"));
        using var none = rig.Tls.Client(rig.Https);

        var foreignRefused = await Record.ExceptionAsync(async () => await foreign.SendAsync(Post("acme")));
        var noneRefused = await Record.ExceptionAsync(async () => await none.SendAsync(Post("acme", rig.AcmeKey)));

        Assert.IsType<HttpRequestException>(foreignRefused);
        Assert.IsType<HttpRequestException>(noneRefused);
    }

    [Fact]
    public async Task Optional_falls_back_to_api_keys_when_the_certificate_is_of_another_ca()
    {
        using var rig = new IngestTlsRig(sidecar, "Optional");
        using var foreign = rig.Tls.Client(rig.Https, clientCertificate: rig.Tls.ForeignClient("CN=intruder,O=acme", "logdapr://tenant/acme"));
        using var plain = rig.Tls.Client(rig.Https);

        using var foreignOnly = await SendAsync(foreign, "acme");
        using var foreignWithKey = await SendAsync(foreign, "acme", rig.AcmeKey);
        using var keyOnly = await SendAsync(plain, "acme", rig.AcmeKey);
        using var nothing = await SendAsync(plain, "acme");

        Assert.Equal(HttpStatusCode.Unauthorized, foreignOnly.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, foreignWithKey.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, keyOnly.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, nothing.StatusCode);
    }

    [Fact]
    public async Task A_trusted_certificate_that_names_no_tenant_is_unauthorized()
    {
        using var rig = new IngestTlsRig(sidecar, "Required");
        using var client = rig.Tls.Client(rig.Https, clientCertificate: rig.Tls.Client("CN=nobody"));

        using var answer = await SendAsync(client, "acme");

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Contains("names no tenant", rig.Factory.Logs.All, StringComparison.Ordinal);
    }
}
