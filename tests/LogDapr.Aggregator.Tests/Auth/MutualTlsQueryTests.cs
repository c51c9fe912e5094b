using System.Net;
using LogDapr.Aggregator.Tests.Audit;
using LogDapr.Aggregator.Tests.Enrichment;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging;

namespace LogDapr.Aggregator.Tests.Auth;

/// <summary>
/// The query API over HTTPS with client certificates (Tls:ClientCertificates Optional): a certificate is the caller an
/// API key would be, tenant scoping and the audit trail included; real handshakes, a real database.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MutualTlsQueryTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_tenant_certificate_reads_its_tenants_data_only_and_an_admin_certificate_is_audited_by_subject()
    {
        using var tls = new TestTls();
        await using var host = await MetadataApiHost.StartAsync(postgres, tls: tls);
        await AuditRows.ExecAsync(host.ConnectionString, """
            INSERT INTO logdapr.dead_letters (message_id, topic, payload, reason, tenant_id) VALUES
              ('m-acme', 'logs', '{}', 'bad', 'acme'), ('m-globex', 'logs', '{}', 'bad', 'globex')
            """);
        using var acme = host.Client(null, tls.Client("CN=dashboards,O=Example", "logdapr://tenant/acme"));
        using var admin = host.Client(null, tls.Client("CN=ops,O=Example", "logdapr://role/admin"));

        var acmeLetters = await acme.GetStringAsync("/v1/dead-letters");
        using var otherTenant = await acme.GetAsync("/v1/metrics?tenant=globex");
        using var replay = await acme.PostAsync("/v1/dead-letters/1/replay", null);
        using var adminRead = await admin.GetAsync("/v1/metrics?tenant=acme");

        Assert.Contains("m-acme", acmeLetters, StringComparison.Ordinal);
        Assert.DoesNotContain("m-globex", acmeLetters, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, otherTenant.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, replay.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminRead.StatusCode);
        var rows = await AuditRows.ReadAsync(host.ConnectionString);
        Assert.Equal(
            ["acme/cert:CN=dashboards, O=Example|dead_letter.replay|denied", "_admin/cert:CN=ops, O=Example|tenant_data.read|success"],
            rows.Select(r => $"{r.Actor}|{r.Action}|{r.Outcome}"));
    }

    [Fact]
    public async Task A_certificate_of_another_ca_falls_back_to_api_keys_and_alone_is_an_audited_auth_failure()
    {
        using var tls = new TestTls();
        await using var host = await MetadataApiHost.StartAsync(postgres, tls: tls);
        var foreign = tls.ForeignClient("CN=intruder", "logdapr://role/admin");
        using var foreignOnly = host.Client(null, foreign);
        using var foreignWithKey = host.Client(host.Acme, foreign);

        using var refused = await foreignOnly.GetAsync("/v1/metrics");
        using var byKey = await foreignWithKey.GetAsync("/v1/metrics");
        using var notAdmin = await foreignWithKey.GetAsync("/v1/audit");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        var rows = await AuditRows.ReadAsync(host.ConnectionString);
        Assert.Contains(rows, r => $"{r.Actor}|{r.Action}|{r.Status}" == "anonymous|auth.failure|401");
    }
}

/// <summary>The aggregator's port is daprd's app channel too: client certificates cannot be required there.</summary>
public sealed class AggregatorTlsValidationTests
{
    [Fact]
    public async Task Required_client_certificates_stop_the_aggregator_with_the_reason()
    {
        using var tls = new TestTls();
        var settings = tls.ServerSettings("Required").ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
        await using var app = new AggregatorApp(settings);

        Assert.ThrowsAny<Exception>(() => app.CreateClient());

        // The reason is in the start-up failure the host logs, which is what an operator reads. (The exception the test
        // host rethrows is sometimes an ObjectDisposedException of its own tear-down instead.)
        Assert.Contains(app.Logs, l => l.Level >= LogLevel.Error
            && l.Message.Contains("Tls:ClientCertificates=Required is not possible on the aggregator", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Optional_client_certificates_start()
    {
        using var tls = new TestTls();
        var settings = tls.ServerSettings("Optional").ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
        await using var app = new AggregatorApp(settings);

        using var client = app.CreateClient();

        Assert.Contains(app.Logs, l => l.Message.Contains("Serving HTTPS (TLS 1.2+) with certificate", StringComparison.Ordinal));
    }
}
