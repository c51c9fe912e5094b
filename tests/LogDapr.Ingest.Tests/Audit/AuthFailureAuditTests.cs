using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using LogDapr.Ingest.Tests.Otlp;
using LogDapr.Ingest.Tests.Support;
using LogDapr.LocalStack.Processes;
using LogDapr.ServiceDefaults.Audit;

namespace LogDapr.Ingest.Tests.Audit;

/// <summary>
/// Ingest's API key failures reach the audit trail: each refused request that presented a credential is sent once to
/// the audit topic, on every protocol, rate-limited per address, and never carries the key or the body.
/// </summary>
public sealed class AuthFailureAuditTests : IClassFixture<SidecarFixture>, IDisposable
{
    private const string WrongKey = "ldk_wrong-key-that-must-not-be-audited";
    private static readonly string Body =
        $"{{\"timestamp\":\"{DateTimeOffset.UtcNow:O}\",\"service\":\"body-that-must-not-be-audited\",\"severity\":\"info\",\"message\":\"m\"}}";
    private readonly KeyDirectory keys = new();
    private readonly SidecarFixture sidecar;
    private readonly IngestFactory factory;
    private readonly string acme;
    private readonly Uri http;
    private readonly Uri grpc;

    public AuthFailureAuditTests(SidecarFixture sidecar)
    {
        this.sidecar = sidecar;
        acme = keys.Add("acme");
        factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string>
        {
            ["urls"] = $"http://127.0.0.1:{FreePorts.Next().ToString(CultureInfo.InvariantCulture)}",
            ["Ingest:OtlpGrpcPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Auth:Enabled"] = "true",
            ["Auth:KeysPath"] = keys.Path,
            ["Audit:AuthFailuresPerAddressPerMinute"] = "6",
        });
        (http, grpc) = factory.StartWithOtlpGrpc();
    }

    public void Dispose()
    {
        factory.Dispose();
        keys.Dispose();
    }

    [Fact]
    public async Task Each_refused_credential_on_every_protocol_is_sent_once_without_key_or_body_and_floods_are_suppressed()
    {
        var before = AuditRecords().Count;
        using var client = new HttpClient { BaseAddress = http };

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Post("/v1/logs", "Bearer " + WrongKey))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Post("/_bulk", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("user:" + WrongKey)))))
            .StatusCode);
        using (var loki = Post("/loki/api/v1/push", null))
        {
            loki.Headers.Add("X-API-Key", WrongKey);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(loki)).StatusCode);
        }

        using (var otlp = new OtlpGrpc(grpc))
        {
            var refusal = await Assert.ThrowsAsync<RpcException>(() => otlp.ExportAsync([], new Metadata { { "authorization", "Bearer " + WrongKey } }));
            Assert.Equal(StatusCode.Unauthenticated, refusal.StatusCode);
        }

        // Not attempts: no credential at all, and a valid key.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Post("/v1/logs", null))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(Post("/v1/logs", "Bearer " + acme))).StatusCode);

        var records = await WaitForAsync(before + 4);
        Assert.Equal(
            ["POST /_bulk", "POST /loki/api/v1/push", "POST /opentelemetry.proto.collector.logs.v1.LogsService/Export", "POST /v1/logs"],
            records.Select(r => r.GetProperty("resource").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(records, r =>
        {
            Assert.Equal(AuditActions.AuthFailure, r.GetProperty("action").GetString());
            Assert.Equal(AuditActors.Anonymous, r.GetProperty("actor").GetString());
            Assert.Equal(401, r.GetProperty("status_code").GetInt32());
            Assert.Equal("127.0.0.1", r.GetProperty("remote_address").GetString());
            var text = r.GetRawText();
            Assert.DoesNotContain("wrong-key", text, StringComparison.Ordinal);
            Assert.DoesNotContain("body-that-must-not-be-audited", text, StringComparison.Ordinal);
        });
        Assert.Equal(4, records.Select(r => r.GetProperty("id").GetGuid()).Distinct().Count());

        // A flood from one address: 6 per minute are recorded (4 above), the rest suppressed and counted on its next record.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Post("/v1/logs", "Bearer " + WrongKey))).StatusCode);
        }

        var all = await WaitForAsync(before + 6);
        await Task.Delay(500);
        Assert.Equal(before + 6, AuditRecords().Count);
        Assert.All(all.Skip(before), r => Assert.Equal(0, r.GetProperty("suppressed").GetInt32()));
    }

    private static HttpRequestMessage Post(string path, string? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        if (authorization is not null)
        {
            request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
        }

        return request;
    }

    private List<JsonElement> AuditRecords() => [.. sidecar.PublishedData().Where(d => d.TryGetProperty("action", out _))];

    private async Task<List<JsonElement>> WaitForAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var records = AuditRecords();
            if (records.Count >= count || DateTime.UtcNow > deadline)
            {
                Assert.True(records.Count == count, $"{records.Count} audit records, expected {count}; ingest: {factory.Logs.All}");
                return records;
            }

            await Task.Delay(100);
        }
    }
}
