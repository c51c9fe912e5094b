using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LogDapr.Ingest.Tests.Api;
using LogDapr.Ingest.Tests.Auth;
using LogDapr.Ingest.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Ingest.Tests.EdgeProtection;

/// <summary>One limit per client across replicas, counted in events, through a real Redis and a real sidecar.</summary>
public sealed class RateLimitTests : IClassFixture<SidecarFixture>, IClassFixture<RedisFixture>, IDisposable
{
    private const double Rate = 200;
    private const int Burst = 200;
    private readonly KeyDirectory keys = new();
    private readonly SidecarFixture sidecar;
    private readonly RedisFixture redis;

    public RateLimitTests(SidecarFixture sidecar, RedisFixture redis)
    {
        this.sidecar = sidecar;
        this.redis = redis;
    }

    public void Dispose() => keys.Dispose();

    private IngestFactory Replica() => new(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string>
    {
        ["Auth:Enabled"] = "true",
        ["Auth:KeysPath"] = keys.Path,
        ["Ingest:RateLimit:Enabled"] = "true",
        ["Ingest:RateLimit:EventsPerSecond"] = Rate.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Ingest:RateLimit:Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Ingest:RateLimit:RedisConnectionString"] = redis.ConnectionString,
        ["Ingest:RateLimit:LocalFallbackShare"] = "0.5",
        ["Ingest:RateLimit:RedisRetryInterval"] = "00:00:00.200",
        // A slow answer on a loaded test machine must not count as "Redis down" here; outages are tested by stopping it.
        ["Ingest:RateLimit:RedisTimeout"] = "00:00:02",
    });

    private static HttpRequestMessage Request(string key, int events, int invalid = 0, string tenant = "acme")
    {
        var items = Enumerable.Range(0, events).Select(i => i < invalid
            ? $$"""{"tenant_id":"{{tenant}}","service":"api","severity":"nope","message":"x"}"""
            : $$"""{"tenant_id":"{{tenant}}","service":"api","severity":"info","message":"x"}""");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = new StringContent("[" + string.Join(',', items) + "]", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    /// <summary>Sends batches of 10 as fast as several clients per replica can for the window; returns events accepted and the real window.</summary>
    private static async Task<(long Accepted, TimeSpan Window)> SaturateAsync(IReadOnlyList<HttpClient> replicas, string key, TimeSpan window)
    {
        long accepted = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(replicas.SelectMany(client => Enumerable.Range(0, 6).Select(async _ =>
        {
            while (clock.Elapsed < window)
            {
                using var response = await client.SendAsync(Request(key, 10));
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    Interlocked.Add(ref accepted, 10);
                }
                else
                {
                    Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
                }
            }
        })));
        return (accepted, clock.Elapsed);
    }

    [Fact]
    public async Task Two_replicas_sharing_redis_enforce_one_limit_per_client_within_ten_percent()
    {
        var key = keys.Add("acme");
        using var first = Replica();
        using var second = Replica();

        var (accepted, window) = await SaturateAsync([first.CreateClient(), second.CreateClient()], key, TimeSpan.FromSeconds(4));

        // A full bucket at the start, then the refill rate for the window: what one client may send, in total.
        var allowed = Burst + (Rate * window.TotalSeconds);
        Assert.InRange(accepted, allowed * 0.9, allowed * 1.1);
    }

    [Fact]
    public async Task The_limit_counts_events_not_requests_and_429_carries_the_headers()
    {
        var key = keys.Add("acme");
        using var replica = Replica();
        var client = replica.CreateClient();

        using var big = await client.SendAsync(Request(key, 150));
        using var next = await client.SendAsync(Request(key, 150));
        using var tooBig = await client.SendAsync(Request(key, Burst + 1));

        Assert.Equal(HttpStatusCode.Accepted, big.StatusCode);
        Assert.Equal(Burst.ToString(System.Globalization.CultureInfo.InvariantCulture), big.Headers.GetValues("RateLimit-Limit").Single());
        Assert.InRange(int.Parse(big.Headers.GetValues("RateLimit-Remaining").Single(), System.Globalization.CultureInfo.InvariantCulture), 50, 60);

        Assert.Equal(HttpStatusCode.TooManyRequests, next.StatusCode);
        Assert.NotNull(next.Headers.RetryAfter?.Delta);
        Assert.InRange(next.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 0.1, 1.0);
        Assert.True(next.Headers.Contains("RateLimit-Reset"));
        var problem = JsonNode.Parse(await next.Content.ReadAsStringAsync())!;
        Assert.Equal("https://logdapr.io/problems/rate-limited", problem["type"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.TooManyRequests, tooBig.StatusCode);
        Assert.Null(tooBig.Headers.RetryAfter);
        Assert.Contains("split it", JsonNode.Parse(await tooBig.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_of_two_tenants_with_the_same_id_have_a_bucket_each()
    {
        var acme = keys.Add("acme", "id=shared-name");
        var globex = keys.Add("globex", "id=shared-name");
        using var replica = Replica();
        var client = replica.CreateClient();

        using var acmeFull = await client.SendAsync(Request(acme, Burst));
        using var globexFirst = await client.SendAsync(Request(globex, 100, tenant: "globex"));

        Assert.Equal(HttpStatusCode.Accepted, acmeFull.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, globexFirst.StatusCode);
    }

    [Fact]
    public async Task Invalid_events_cost_tokens_too()
    {
        var key = keys.Add("acme");
        using var replica = Replica();
        var client = replica.CreateClient();

        using var mostlyInvalid = await client.SendAsync(Request(key, 150, invalid: 149));
        using var next = await client.SendAsync(Request(key, 100));

        Assert.Equal(HttpStatusCode.Accepted, mostlyInvalid.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, next.StatusCode);
    }

    [Fact]
    public async Task Without_redis_each_replica_limits_locally_and_says_so_then_recovers()
    {
        var key = keys.Add("acme");
        using var replica = Replica();
        var client = replica.CreateClient();
        using (var warm = await client.SendAsync(Request(key, 1)))
        {
            Assert.Equal(HttpStatusCode.Accepted, warm.StatusCode);
            Assert.False(warm.Headers.Contains("RateLimit-Policy-Scope"));
        }

        await redis.StopAsync();
        try
        {
            var (accepted, window) = await SaturateAsync([client], key, TimeSpan.FromSeconds(2));
            // Never open (bounded by the replica's share), never closed (requests still get through).
            var share = (Burst * 0.5) + (Rate * 0.5 * window.TotalSeconds);
            Assert.InRange(accepted, share * 0.5, share * 1.1);

            using var degraded = await client.SendAsync(Request(key, 1));
            Assert.Equal("replica", degraded.Headers.GetValues("RateLimit-Policy-Scope").Single());
            var ready = JsonNode.Parse(await client.GetStringAsync("/readyz"))!;
            Assert.Equal("Degraded", ready["checks"]!["rate-limiter"]!["status"]!.GetValue<string>());
        }
        finally
        {
            await redis.StartAsync();
        }

        var deadline = DateTime.UtcNow.AddSeconds(15);
        string? status;
        do
        {
            await Task.Delay(250);
            using var _ = await client.SendAsync(Request(key, 1));
            status = JsonNode.Parse(await client.GetStringAsync("/readyz"))!["checks"]!["rate-limiter"]!["status"]!.GetValue<string>();
        }
        while (status != "Healthy" && DateTime.UtcNow < deadline);

        Assert.Equal("Healthy", status);
    }
}
