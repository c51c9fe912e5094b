using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LogDapr.Ingest.Tests.Auth;
using LogDapr.Ingest.Tests.Support;
using LogDapr.LocalStack.Tls;
using LogDapr.TestSupport;
using Xunit.Abstractions;

namespace LogDapr.Ingest.Tests.EdgeProtection;

/// <summary>
/// The shared rate limit through a Redis that speaks TLS only (redis-server --tls-port), with certificates made in the
/// test: trusted through Ingest:RateLimit:RedisCaFile, refused with a wrong CA (and then limited per replica, with
/// readiness saying why), and with a client certificate where Redis requires one.
/// </summary>
public sealed class RateLimitRedisTlsTests : IClassFixture<SidecarFixture>, IAsyncLifetime
{
    private const int Burst = 200;
    private readonly KeyDirectory keys = new();
    private readonly TestTls tls = new();
    private readonly SidecarFixture sidecar;
    private readonly ITestOutputHelper output;
    private readonly List<RedisFixture> servers = [];

    public RateLimitRedisTlsTests(SidecarFixture sidecar, ITestOutputHelper output)
    {
        this.sidecar = sidecar;
        this.output = output;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in servers)
        {
            await server.DisposeAsync();
        }

        keys.Dispose();
        tls.Dispose();
    }

    private async Task<RedisFixture> StartRedisAsync(bool requireClientCertificates = false)
    {
        var redis = RedisFixture.WithTls(tls.Files, requireClientCertificates);
        servers.Add(redis);
        await redis.InitializeAsync();
        return redis;
    }

    private IngestFactory Replica(RedisFixture redis, string caFile, (string Certificate, string Key)? client = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Auth:Enabled"] = "true",
            ["Auth:KeysPath"] = keys.Path,
            ["Ingest:RateLimit:Enabled"] = "true",
            ["Ingest:RateLimit:EventsPerSecond"] = "1",
            ["Ingest:RateLimit:Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ingest:RateLimit:RedisConnectionString"] = redis.TlsConnectionString,
            ["Ingest:RateLimit:RedisCaFile"] = caFile,
            ["Ingest:RateLimit:LocalFallbackShare"] = "0.5",
            ["Ingest:RateLimit:RedisRetryInterval"] = "00:00:00.200",
            // A slow handshake on a loaded test machine must not count as "Redis down".
            ["Ingest:RateLimit:RedisTimeout"] = "00:00:02",
        };
        if (client is { } pair)
        {
            settings["Ingest:RateLimit:RedisCertificateFile"] = pair.Certificate;
            settings["Ingest:RateLimit:RedisKeyFile"] = pair.Key;
        }

        return new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, settings);
    }

    private static HttpRequestMessage Request(string key, int events)
    {
        var items = Enumerable.Range(0, events).Select(_ => """{"tenant_id":"acme","service":"api","severity":"info","message":"x"}""");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = new StringContent("[" + string.Join(',', items) + "]", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    private static async Task<JsonNode> RateLimiterCheckAsync(HttpClient client)
        => JsonNode.Parse(await client.GetStringAsync("/readyz"))!["checks"]!["rate-limiter"]!;

    /// <summary>One replica takes the whole bucket; the other, sharing it through Redis, has nothing left (alone it would have half the bucket).</summary>
    private async Task AssertOneSharedBucketAsync(RedisFixture redis, string caFile, (string, string)? client = null)
    {
        var key = keys.Add("acme");
        using var first = Replica(redis, caFile, client);
        using var second = Replica(redis, caFile, client);
        var firstClient = first.CreateClient();
        var secondClient = second.CreateClient();

        using var all = await firstClient.SendAsync(Request(key, Burst));
        using var more = await secondClient.SendAsync(Request(key, 50));

        Assert.Equal(HttpStatusCode.Accepted, all.StatusCode);
        Assert.False(all.Headers.Contains("RateLimit-Policy-Scope"));
        Assert.Equal(HttpStatusCode.TooManyRequests, more.StatusCode);
        var check = await RateLimiterCheckAsync(secondClient);
        Assert.Equal("Healthy", check["status"]!.GetValue<string>());
        Assert.Equal("shared through Redis", check["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task With_the_servers_CA_two_replicas_share_one_bucket_over_tls()
    {
        var redis = await StartRedisAsync();

        await AssertOneSharedBucketAsync(redis, tls.Files.CaFile);
    }

    [Fact]
    public async Task With_another_CA_a_replica_limits_on_its_own_and_readiness_says_the_certificate_was_not_accepted()
    {
        var redis = await StartRedisAsync();
        using var other = new TestTls();
        var key = keys.Add("acme");
        using var replica = Replica(redis, other.Files.CaFile);
        var client = replica.CreateClient();

        using var accepted = await client.SendAsync(Request(key, 1));

        // Never a 5xx: the request is limited by the replica's own share of the bucket.
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("replica", accepted.Headers.GetValues("RateLimit-Policy-Scope").Single());
        var check = await RateLimiterCheckAsync(client);
        output.WriteLine(check.ToJsonString());
        Assert.Equal("Degraded", check["status"]!.GetValue<string>());
        var description = check["description"]!.GetValue<string>();
        Assert.Contains("certificate", description, StringComparison.Ordinal);
        Assert.Contains("not accepted", description, StringComparison.Ordinal);
        Assert.Contains("Ingest:RateLimit:RedisCaFile", description, StringComparison.Ordinal);
        Assert.Contains(replica.Logs.Entries, e => e.Contains("TLS to the rate-limit Redis refused", StringComparison.Ordinal) && e.Contains("not accepted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_redis_requiring_client_certificates_accepts_the_configured_one()
    {
        var redis = await StartRedisAsync(requireClientCertificates: true);
        var certificate = tls.Client("CN=logdapr-ingest");
        var certificateFile = Path.Combine(tls.Files.Directory, "redis-client.crt");
        var keyFile = Path.Combine(tls.Files.Directory, "redis-client.key");
        await File.WriteAllTextAsync(certificateFile, LocalCertificates.CertificatePem(certificate));
        await File.WriteAllTextAsync(keyFile, LocalCertificates.KeyPem(certificate));

        await AssertOneSharedBucketAsync(redis, tls.Files.CaFile, (certificateFile, keyFile));
    }

    [Fact]
    public async Task A_redis_requiring_client_certificates_refuses_a_replica_without_one()
    {
        var redis = await StartRedisAsync(requireClientCertificates: true);
        var key = keys.Add("acme");
        using var replica = Replica(redis, tls.Files.CaFile);
        var client = replica.CreateClient();

        using var accepted = await client.SendAsync(Request(key, 1));

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("replica", accepted.Headers.GetValues("RateLimit-Policy-Scope").Single());
        Assert.Equal("Degraded", (await RateLimiterCheckAsync(client))["status"]!.GetValue<string>());
    }
}
