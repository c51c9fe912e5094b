using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CsCheck;
using LogDapr.Ingest.Tests.Support;

namespace LogDapr.Ingest.Tests.Protocols;

/// <summary>POST /loki/api/v1/push (JSON) through a real sidecar, with API keys, answered as Loki's distributor.</summary>
public sealed class LokiPushApiTests : IClassFixture<SidecarFixture>, IDisposable
{
    private const string Route = "/loki/api/v1/push";
    private readonly KeyDirectory keys = new();
    private readonly SidecarFixture sidecar;
    private readonly IngestFactory factory;
    private readonly string acme;
    private readonly string admin;

    public LokiPushApiTests(SidecarFixture sidecar)
    {
        this.sidecar = sidecar;
        acme = keys.Add("acme");
        admin = keys.Add("_admin");
        factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string>
        {
            ["Auth:Enabled"] = "true",
            ["Auth:KeysPath"] = keys.Path,
        });
    }

    public void Dispose()
    {
        factory.Dispose();
        keys.Dispose();
    }

    // Loki's documentation example timestamps (2019) are older than Ingest:MaxPastAge, which rejects them as Loki's reject_old_samples does.
    private static string Now => (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Push(params string[] timestamps) =>
        $$"""{"streams":[{"stream":{"service_name":"checkout","level":"error"},"values":[{{string.Join(",", timestamps.Select(t => $"[\"{t}\",\"payment failed\"]"))}}]}]}""";

    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(HttpContent content, string key, string? orgId = null, bool basic = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = content };
        request.Headers.Authorization = basic
            ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("promtail:" + key)))
            : new AuthenticationHeaderValue("Bearer", key);
        if (orgId is not null)
        {
            request.Headers.Add("X-Scope-OrgID", orgId);
        }

        var response = await factory.CreateClient().SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, MediaTypeHeaderValue.Parse("application/json"));

    [Fact]
    public async Task A_push_is_published_and_answered_204_with_basic_auth_as_promtail_sends_it()
    {
        var before = await sidecar.PublishedAsync("logs");

        var (status, body, _) = await PostAsync(Json(Push(Now, Now)), acme, basic: true);

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Empty(body);
        Assert.Equal(before + 1, await sidecar.PublishedAsync("logs"));
    }

    [Fact]
    public async Task A_gzipped_push_is_accepted()
    {
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(Push(Now)));
        }

        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        content.Headers.ContentEncoding.Add("gzip");

        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(content, acme)).Status);
    }

    [Fact]
    public async Task One_bad_entry_gets_400_naming_it_and_the_good_ones_are_kept()
    {
        var before = await sidecar.PublishedAsync("logs");

        var (status, body, response) = await PostAsync(Json(Push(Now, "yesterday", Now)), acme);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("1 entries rejected, 2 accepted\nentry 1: timestamp", body, StringComparison.Ordinal);
        Assert.Equal(before + 1, await sidecar.PublishedAsync("logs"));
    }

    [Fact]
    public async Task The_org_id_header_names_the_tenant_only_when_the_key_may_write_it()
    {
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(Json(Push(Now)), acme, orgId: "acme")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(Json(Push(Now)), admin, orgId: "globex")).Status);

        var before = await sidecar.PublishedAsync("logs");
        var other = await PostAsync(Json(Push(Now)), acme, orgId: "globex");
        var adminWithout = await PostAsync(Json(Push(Now)), admin);

        Assert.Equal(HttpStatusCode.Forbidden, other.Status);
        Assert.Equal(HttpStatusCode.BadRequest, adminWithout.Status);
        Assert.Contains("tenant_id", adminWithout.Body, StringComparison.Ordinal);
        Assert.Equal(before, await sidecar.PublishedAsync("logs"));
    }

    [Fact]
    public async Task Protobuf_and_other_media_types_get_415_and_no_key_gets_401()
    {
        var protobuf = new ByteArrayContent([1, 2, 3]);
        protobuf.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-protobuf");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await PostAsync(protobuf, acme)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().PostAsync(Route, Json(Push(Now)))).StatusCode);
    }

    [Fact]
    public async Task Random_json_and_bytes_never_get_a_5xx()
    {
        var client = factory.CreateClient();
        var gen = Gen.OneOf(
            Gen.Byte.Array[0, 200].Select(b => Encoding.UTF8.GetString(b)),
            Gen.String[Gen.Char["{}[]\":,0123 abstreamvlu"], 0, 120],
            Gen.Select(Gen.String, Gen.String, (a, b) => $$"""{"streams":[{"stream":{"{{a}}":"{{b}}"},"values":[["{{b}}","{{a}}"]]}]}"""));

        await gen.SampleAsync(async body =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = Json(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", acme);
            using var response = await client.SendAsync(request);
            Assert.True((int)response.StatusCode < 500, $"{response.StatusCode} for {body}");
        }, iter: 100);
    }
}

/// <summary>With the sidecar down a push gets Loki's retryable 503 with Retry-After, so the shipper retries it.</summary>
public sealed class LokiPushSidecarDownTests : IDisposable
{
    private readonly IngestFactory factory = IngestFactory.SidecarDown(new Dictionary<string, string> { ["Ingest:PublishTimeout"] = "00:00:01", ["Ingest:DefaultTenant"] = "acme" });

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task A_push_gets_503_with_retry_after()
    {
        var response = await factory.CreateClient().PostAsync("/loki/api/v1/push", new StringContent(
            $$"""{"streams":[{"stream":{"app":"api"},"values":[["{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000}}","hello"]]}]}""", Encoding.UTF8, MediaTypeHeaderValue.Parse("application/json")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
    }
}
