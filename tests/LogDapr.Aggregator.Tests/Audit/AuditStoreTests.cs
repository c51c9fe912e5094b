using System.Net;
using LogDapr.Aggregator.Tests.Store;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Aggregator.Tests.Audit;

/// <summary>The store's audited operations: admin searches of a tenant's events and archive restores.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AuditStoreTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Admin_log_reads_and_restores_leave_one_record_each_and_tenant_reads_none()
    {
        await using var host = await StoreHost.StartAsync(postgres, "auditstore");
        using var admin = host.Client(host.Admin);
        using var acme = host.Client(host.Acme);

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/v1/logs?tenant=acme&q=password")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/v1/logs/evt-1?tenant=acme")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await acme.GetAsync("/v1/logs")).StatusCode);
        var restore = await admin.PostAsync("/v1/archive/restore?tenant=acme&day=2020-01-01", null);
        Assert.Equal(HttpStatusCode.Conflict, restore.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await acme.PostAsync("/v1/archive/restore?tenant=acme&day=2020-01-01", null)).StatusCode);

        var rows = await AuditRows.ReadAsync(host.ConnectionString);
        Assert.Equal(
            [
                "tenant_data.read|acme|GET /v1/logs|success|200", "tenant_data.read|acme|GET /v1/logs/evt-1|failed|404",
                "archive.restore|acme|archive/2020-01-01|failed|409", "archive.restore|acme|archive/2020-01-01|denied|403",
            ],
            rows.Select(r => $"{r.Action}|{r.Tenant}|{r.Resource}|{r.Outcome}|{r.Status}"));
        // The query string (search terms) is not kept.
        Assert.DoesNotContain("password", await AuditRows.AllTextAsync(host.ConnectionString), StringComparison.Ordinal);
    }
}
