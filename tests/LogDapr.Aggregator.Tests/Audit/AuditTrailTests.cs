using LogDapr.ServiceDefaults.Audit;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LogDapr.Aggregator.Audit;
using LogDapr.Aggregator.Tests.Enrichment;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Aggregator.Tests.Audit;

/// <summary>
/// The counter's audit trail end to end: the aggregator in memory on a real database, with the development sidecar for
/// its binding writes; each audited request leaves exactly one record, and no record holds a key or a payload.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AuditTrailTests(PostgresFixture postgres)
{
    private const string Secret = "attribute-value-that-must-not-be-audited";

    private static string Attributes(string value) => "{\"attributes\":{\"owner\":\"" + value + "\"}}";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Metadata_changes_and_refused_attempts_leave_one_record_each_without_keys_or_payloads()
    {
        await using var host = await MetadataApiHost.StartAsync(postgres);
        using var admin = host.Client(host.Admin);
        using var acme = host.Client(host.Acme);

        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsync("/v1/metadata/host/web-1", Json(Attributes(Secret)))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/v1/metadata/host/web-1", Json(Attributes(Secret + "2")))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsync("/v1/metadata/host/web-2", Json("{\"attributes\":{\"owner\":[\"" + Secret + "\"]}}"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await acme.PutAsync("/v1/metadata/host/web-1", Json(Attributes(Secret)))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/v1/metadata/service/a%2Fb")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/v1/metadata/host/web-1")).StatusCode);
        // Reading metadata is not tenant data: not audited.
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/v1/metadata/host/web-1")).StatusCode);

        var rows = await AuditRows.ReadAsync(host.ConnectionString);
        Assert.Equal(
            [
                "metadata.put|host/web-1|success|201", "metadata.put|host/web-1|success|200", "metadata.put|host/web-2|failed|400",
                "metadata.put|host/web-1|denied|403", "metadata.delete|service/a/b|failed|404", "metadata.delete|host/web-1|success|204",
            ],
            rows.Select(r => $"{r.Action}|{r.Resource}|{r.Outcome}|{r.Status}"));
        Assert.All(rows.Where(r => r.Outcome != "denied"), r => Assert.Equal("_admin/" + KeyId(host.Admin), r.Actor));
        Assert.Equal("acme/" + KeyId(host.Acme), rows.Single(r => r.Outcome == "denied").Actor);
        var text = await AuditRows.AllTextAsync(host.ConnectionString);
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Admin, text, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Acme, text, StringComparison.Ordinal);
        Assert.DoesNotContain(FullHash(host.Admin), text, StringComparison.Ordinal);
        Assert.DoesNotContain(FullHash(host.Acme), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_reads_of_tenant_data_leave_one_record_per_request_and_tenant_reads_none()
    {
        await using var host = await MetadataApiHost.StartAsync(postgres);
        await AuditRows.ExecAsync(host.ConnectionString,
            $"INSERT INTO logdapr.dead_letters (message_id, topic, payload, reason, tenant_id) VALUES ('m1', 'logs', '{{\"secret\":\"{Secret}\"}}', 'bad', 'acme')");
        using var admin = host.Client(host.Admin);
        using var acme = host.Client(host.Acme);

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/v1/metrics?tenant=acme")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/v1/dead-letters")).StatusCode);
        var one = await admin.GetStringAsync("/v1/dead-letters/1");
        Assert.Contains(Secret, one, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/v1/dead-letters/99")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/v1/metrics?tenant=acme&step=bogus")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await acme.GetAsync("/v1/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await acme.GetAsync("/v1/dead-letters")).StatusCode);

        var rows = await AuditRows.ReadAsync(host.ConnectionString);
        Assert.Equal(
            [
                "tenant_data.read|acme|GET /v1/metrics|success|200", "tenant_data.read||GET /v1/dead-letters|success|200",
                "tenant_data.read||GET /v1/dead-letters/1|success|200", "tenant_data.read||GET /v1/dead-letters/99|failed|404",
                "tenant_data.read|acme|GET /v1/metrics|failed|400",
            ],
            rows.Select(r => $"{r.Action}|{r.Tenant}|{r.Resource}|{r.Outcome}|{r.Status}"));
        Assert.DoesNotContain(Secret, await AuditRows.AllTextAsync(host.ConnectionString), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replays_leave_one_record_each_with_the_dead_letters_tenant_refused_or_not()
    {
        await using var host = await MetadataApiHost.StartAsync(postgres);
        await AuditRows.ExecAsync(host.ConnectionString,
            $"INSERT INTO logdapr.dead_letters (message_id, topic, payload, reason, tenant_id) VALUES ('m1', 'logs', '{{\"secret\":\"{Secret}\"}}', 'bad', 'acme')");
        using var admin = host.Client(host.Admin);
        using var acme = host.Client(host.Acme);

        // This sidecar has no pub/sub component: the publish fails, and the failure is what is recorded.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await admin.PostAsync("/v1/dead-letters/1/replay", Json("{\"data\":{\"message\":\"" + Secret + "\"}}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/v1/dead-letters/42/replay", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await acme.PostAsync("/v1/dead-letters/1/replay", null)).StatusCode);

        var rows = await AuditRows.ReadAsync(host.ConnectionString);
        Assert.Equal(
            ["dead_letter.replay|acme|dead_letter/1|failed|503", "dead_letter.replay||dead_letter/42|failed|404", "dead_letter.replay||dead_letter/1|denied|403"],
            rows.Select(r => $"{r.Action}|{r.Tenant}|{r.Resource}|{r.Outcome}|{r.Status}"));
        Assert.DoesNotContain(Secret, await AuditRows.AllTextAsync(host.ConnectionString), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_failures_are_recorded_up_to_the_per_address_limit_and_requests_without_a_key_not_at_all()
    {
        await using var host = await MetadataApiHost.StartAsync(postgres, new Dictionary<string, string?> { ["Audit:AuthFailuresPerAddressPerMinute"] = "3" });
        const string wrong = "lgd_this-is-not-a-valid-key-0123456789";
        using var bad = host.Client(wrong);
        using var none = host.Client(null);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await bad.GetAsync("/v1/metrics")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await none.GetAsync("/v1/metrics")).StatusCode);

        var rows = await AuditRows.ReadAsync(host.ConnectionString);
        // A minute boundary between the requests would start a new window: at most 3 per window, so 3 to 6.
        Assert.InRange(rows.Count, 3, 6);
        Assert.All(rows, r => Assert.Equal("anonymous|auth.failure||GET /v1/metrics|denied|401", $"{r.Actor}|{r.Action}|{r.Tenant}|{r.Resource}|{r.Outcome}|{r.Status}"));
        Assert.DoesNotContain(wrong, await AuditRows.AllTextAsync(host.ConnectionString), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_admins_read_the_audit_newest_first_with_filters_and_a_cursor_stable_under_new_records()
    {
        await using var host = await MetadataApiHost.StartAsync(postgres);
        for (var i = 1; i <= 7; i++)
        {
            await AuditRows.ExecAsync(host.ConnectionString, $"""
                INSERT INTO logdapr.audit_log (actor, action, tenant_id, resource, outcome, status_code, at)
                VALUES ('_admin/k{i % 2}', '{(i % 2 == 0 ? AuditActions.DeadLetterReplay : AuditActions.TenantDataRead)}', 't{i % 3}', 'r{i}', 'success', 200,
                        timestamptz '2026-11-01T00:00:00Z' + interval '{i} hours')
                """);
        }

        using var admin = host.Client(host.Admin);
        using var acme = host.Client(host.Acme);
        Assert.Equal(HttpStatusCode.Forbidden, (await acme.GetAsync("/v1/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client(null).GetAsync("/v1/audit")).StatusCode);

        var first = JsonNode.Parse(await admin.GetStringAsync("/v1/audit?limit=3"))!;
        Assert.Equal(["r7", "r6", "r5"], Resources(first));
        await AuditRows.ExecAsync(host.ConnectionString,
            "INSERT INTO logdapr.audit_log (actor, action, resource, outcome, status_code) VALUES ('_admin/k9', 'auth.failure', 'new', 'denied', 401)");
        var second = JsonNode.Parse(await admin.GetStringAsync("/v1/audit?limit=3&cursor=" + first["next_cursor"]!.GetValue<string>()))!;
        Assert.Equal(["r4", "r3", "r2"], Resources(second));
        var last = JsonNode.Parse(await admin.GetStringAsync("/v1/audit?limit=3&cursor=" + second["next_cursor"]!.GetValue<string>()))!;
        Assert.Equal(["r1"], Resources(last));
        Assert.Null(last["next_cursor"]);

        Assert.Equal(["r6", "r4", "r2"], Resources(JsonNode.Parse(await admin.GetStringAsync("/v1/audit?action=dead_letter.replay"))!));
        Assert.Equal(["r7", "r5", "r3", "r1"], Resources(JsonNode.Parse(await admin.GetStringAsync("/v1/audit?actor=_admin/k1"))!));
        Assert.Equal(["r6", "r3"], Resources(JsonNode.Parse(await admin.GetStringAsync("/v1/audit?tenant=t0"))!));
        Assert.Equal(["r5", "r4", "r3"], Resources(JsonNode.Parse(await admin.GetStringAsync(
            "/v1/audit?from=2026-11-01T03:00:00Z&to=2026-11-01T06:00:00Z"))!));

        foreach (var query in new[] { "cursor=bm90LWEtY3Vyc29y", "cursor=", "limit=0", "limit=1001", "limit=x", "from=yesterday", "action=drop_table",
                     "to=2026-11-01T00:00:00Z&from=2026-11-02T00:00:00Z", "actor=", "unknown=1", "limit=1&limit=2" })
        {
            using var response = await admin.GetAsync("/v1/audit?" + query);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    private static string[] Resources(JsonNode page) => [.. page["items"]!.AsArray().Select(i => i!["resource"]!.GetValue<string>())];

    // A key listed without id= is known by the first 12 hex digits of its hash (ApiKeyFile), as in every log.
    private static string KeyId(string key) => "k:" + FullHash(key)[..12];

    private static string FullHash(string key) => Convert.ToHexStringLower(LogDapr.ServiceDefaults.Auth.ApiKeys.Hash(key));
}
