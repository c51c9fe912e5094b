using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LogDapr.EndToEnd.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.EndToEnd.Tests;

/// <summary>
/// The audit trail across services: ingest has no Postgres, so its API key failures travel over the audit topic and
/// the counter writes them; an admin reads them with GET /v1/audit like the aggregator's own records.
/// </summary>
public class AuditTests
{
    private const string WrongKey = "ldk_wrong-key-that-must-not-be-audited";

    [Fact]
    public async Task Ingest_key_failures_are_in_the_audit_trail_once_each_and_a_redelivered_record_is_stored_once()
    {
        var keyDirectory = ScratchDirectory.NewPath("logdapr-e2e", "audit-keys");
        Directory.CreateDirectory(keyDirectory);
        var admin = "ldk_admin-" + Guid.NewGuid().ToString("N");
        var acme = "ldk_acme-" + Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(Path.Combine(keyDirectory, "_admin"), KeyLine(admin));
        await File.WriteAllTextAsync(Path.Combine(keyDirectory, "acme"), KeyLine(acme));
        await using var pipeline = await TestPipeline.StartAsync("audit", authKeysDirectory: keyDirectory);

        using (var refused = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = new StringContent("{}", Encoding.UTF8, "application/json") })
        {
            refused.Headers.Authorization = new AuthenticationHeaderValue("Bearer", WrongKey);
            Assert.Equal(HttpStatusCode.Unauthorized, (await pipeline.Http.SendAsync(refused)).StatusCode);
        }

        using (var refused = new HttpRequestMessage(HttpMethod.Post, "/_bulk") { Content = new StringContent("{}", Encoding.UTF8, "application/x-ndjson") })
        {
            refused.Headers.Add("X-API-Key", WrongKey);
            Assert.Equal(HttpStatusCode.Unauthorized, (await pipeline.Http.SendAsync(refused)).StatusCode);
        }

        using var query = new HttpClient { BaseAddress = pipeline.Pipeline.AggregatorUrl, Timeout = TimeSpan.FromSeconds(30) };
        var records = await WaitForIngestRecordsAsync(query, admin, 2);
        Assert.Equal(["POST /_bulk", "POST /v1/logs"], records.Select(r => r["resource"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(records, r =>
        {
            Assert.Equal("anonymous", r["actor"]!.GetValue<string>());
            Assert.Equal("denied", r["outcome"]!.GetValue<string>());
            Assert.Equal(401, r["status_code"]!.GetValue<int>());
            Assert.DoesNotContain("wrong-key", r.ToJsonString(), StringComparison.Ordinal);
        });

        // The broker delivers a record twice (a redelivery after a lost acknowledgement, or a publish retried by ingest):
        // one row, because the record's id is its key.
        var id = Guid.NewGuid();
        var record = $$"""
            {"specversion":"1.0","id":"{{id}}","source":"logdapr/ingest","type":"io.logdapr.audit.v1","datacontenttype":"application/json",
             "data":{"id":"{{id}}","at":"{{DateTimeOffset.UtcNow:O}}","actor":"anonymous","action":"auth.failure","tenant":null,
                     "resource":"POST /redelivered","remote_address":"10.1.2.3","status_code":401,"suppressed":2} }
            """;
        for (var i = 0; i < 2; i++)
        {
            var published = await pipeline.Client.PublishViaDaprAsync("logdapr-pubsub", "logs-audit", record, "application/cloudevents+json");
            Assert.True(published.Status == HttpStatusCode.NoContent, published.Text);
        }

        var withRedelivered = await WaitForIngestRecordsAsync(query, admin, 3);
        var redelivered = Assert.Single(withRedelivered, r => r["resource"]!.GetValue<string>() == "POST /redelivered");
        Assert.Equal(2, redelivered["suppressed"]!.GetValue<int>());
        await pipeline.WaitUntilDrainedAsync();
        Assert.Equal(3, (await IngestRecordsAsync(query, admin)).Count);

        // A tenant's key cannot read the trail.
        using var forbidden = new HttpRequestMessage(HttpMethod.Get, "/v1/audit");
        forbidden.Headers.Authorization = new AuthenticationHeaderValue("Bearer", acme);
        Assert.Equal(HttpStatusCode.Forbidden, (await query.SendAsync(forbidden)).StatusCode);
    }

    private static string KeyLine(string key) => $"sha256:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}\n";

    private static async Task<List<JsonNode>> WaitForIngestRecordsAsync(HttpClient query, string admin, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var records = await IngestRecordsAsync(query, admin);
            if (records.Count >= count || DateTime.UtcNow > deadline)
            {
                Assert.True(records.Count == count, $"{records.Count} records of key failures, expected {count}: {string.Join(", ", records.Select(r => r.ToJsonString()))}");
                return records;
            }

            await Task.Delay(200);
        }
    }

    private static async Task<List<JsonNode>> IngestRecordsAsync(HttpClient query, string admin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/audit?action=auth.failure&limit=100");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        using var response = await query.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return [.. JsonNode.Parse(text)!["items"]!.AsArray().Select(r => r!)];
    }
}
