using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CsCheck;
using Google.Protobuf;
using LogDapr.Ingest.Protocols.Loki.Wire;
using LogDapr.Ingest.Tests.Support;
using Snappier;
using static LogDapr.Ingest.Tests.Protocols.LokiProtobufDecoderTests;

namespace LogDapr.Ingest.Tests.Protocols;

/// <summary>POST /loki/api/v1/push (protobuf with snappy, and JSON) through a real sidecar, with API keys, answered as Loki's distributor.</summary>
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
    public async Task Other_media_types_get_415_naming_the_two_formats_and_no_key_gets_401()
    {
        var text = new StringContent("hello", Encoding.UTF8, "text/plain");

        var (status, body, _) = await PostAsync(text, acme);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Contains("application/x-protobuf, snappy-compressed", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().PostAsync(Route, Json(Push(Now)))).StatusCode);
    }

    private static long NowSeconds => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    internal static ByteArrayContent Protobuf(byte[] body, string? contentEncoding = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-protobuf");
        if (contentEncoding is not null)
        {
            content.Headers.ContentEncoding.Add(contentEncoding);
        }

        return content;
    }

    internal static ByteArrayContent Protobuf(PushRequest push, string? contentEncoding = null) => Protobuf(Snappy.CompressToArray(push.ToByteArray()), contentEncoding);

    [Fact]
    public async Task A_protobuf_push_with_snappy_is_published_and_answered_204()
    {
        var before = await sidecar.PublishedAsync("logs");
        var push = Request(Stream("""{service_name="checkout", level="error"}""", Entry(NowSeconds, 1, "payment failed"), Entry(NowSeconds, 2, "again")));

        var (status, body, _) = await PostAsync(Protobuf(push), acme, orgId: "acme", basic: true);
        // Shippers that name the block in Content-Encoding are served the same, and gzip around the block is taken off first.
        var named = await PostAsync(Protobuf(push, "snappy"), acme);
        using var gzipped = new MemoryStream();
        await using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Snappy.CompressToArray(push.ToByteArray()));
        }

        var wrapped = await PostAsync(Protobuf(gzipped.ToArray(), "gzip"), acme);
        var unknown = await PostAsync(Protobuf(push, "br"), acme);

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Empty(body);
        Assert.Equal(HttpStatusCode.NoContent, named.Status);
        Assert.Equal(HttpStatusCode.NoContent, wrapped.Status);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unknown.Status);
        Assert.Contains("unsupported Content-Encoding br", unknown.Body, StringComparison.Ordinal);
        Assert.Equal(before + 3, await sidecar.PublishedAsync("logs"));
    }

    [Fact]
    public async Task One_bad_protobuf_entry_gets_400_naming_it_and_the_good_ones_are_kept()
    {
        var before = await sidecar.PublishedAsync("logs");
        var push = Request(Stream("""{app="api"}""", Entry(NowSeconds, 0, "one"), Entry(0, 0, "from 1970"), Entry(NowSeconds, 0, "two")));

        var (status, body, response) = await PostAsync(Protobuf(push), acme);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("1 entries rejected, 2 accepted\nentry 1: timestamp", body, StringComparison.Ordinal);
        Assert.Equal(before + 1, await sidecar.PublishedAsync("logs"));
    }

    [Fact]
    public async Task A_snappy_bomb_gets_413_and_unreadable_bodies_get_400_with_the_reason_and_nothing_is_published()
    {
        var before = await sidecar.PublishedAsync("logs");
        var message = Request(Stream("""{app="api"}""", Entry(NowSeconds, 0, "hello"))).ToByteArray();
        var block = Snappy.CompressToArray(message);

        var bomb = await PostAsync(Protobuf([0xff, 0xff, 0xff, 0xff, 0x07, 0x08, 0x61, 0x62, 0x63]), acme);
        var unsnapped = await PostAsync(Protobuf(message), acme);
        var truncated = await PostAsync(Protobuf(block[..^2]), acme);
        var notProtobuf = await PostAsync(Protobuf(Snappy.CompressToArray("{\"streams\":[]}"u8.ToArray())), acme);
        var badLabels = await PostAsync(Protobuf(Request(Stream("{app=api}", Entry(NowSeconds, 0, "x")))), acme);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bomb.Status);
        Assert.Contains("once decompressed; the limit is", bomb.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unsnapped.Status);
        Assert.Contains("must be snappy-compressed", unsnapped.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, truncated.Status);
        Assert.Equal(HttpStatusCode.BadRequest, notProtobuf.Status);
        Assert.Contains("logproto.PushRequest", notProtobuf.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badLabels.Status);
        Assert.StartsWith("couldn't parse labels", badLabels.Body, StringComparison.Ordinal);
        Assert.Equal(before, await sidecar.PublishedAsync("logs"));
    }

    [Fact]
    public async Task Random_bytes_and_random_push_messages_as_protobuf_never_get_a_5xx()
    {
        var client = factory.CreateClient();
        var entries = Gen.Select(Gen.Long[-5, NowSeconds + 5], Gen.Int, Gen.String, Gen.String, (s, n, line, meta) => Entry(s, n, line, (meta, line)));
        var labels = Gen.OneOf(Gen.String, Gen.String[Gen.Char["{}=\",'`\\ab_ "], 0, 30], Gen.Const("""{app="api"}"""));
        var gen = Gen.OneOf(
            Gen.Byte.Array[0, 200],
            Gen.Byte.Array[0, 200].Select(b => Snappy.CompressToArray(b)),
            Gen.Select(labels, entries.Array[0, 4], (l, e) => Snappy.CompressToArray(Request(Stream(l, e)).ToByteArray())));

        await gen.SampleAsync(async body =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = Protobuf(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", acme);
            using var response = await client.SendAsync(request);
            Assert.True((int)response.StatusCode < 500, $"{response.StatusCode} for {Convert.ToHexString(body)}");
        }, iter: 100);
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

    [Fact]
    public async Task A_protobuf_push_gets_503_with_retry_after()
    {
        var push = Request(Stream("""{app="api"}""", Entry(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 0, "hello")));

        var response = await factory.CreateClient().PostAsync("/loki/api/v1/push", LokiPushApiTests.Protobuf(push));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
    }
}
