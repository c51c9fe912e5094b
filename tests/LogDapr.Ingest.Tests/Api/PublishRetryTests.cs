using System.Net;
using System.Text;
using LogDapr.Ingest.Tests.Support;

namespace LogDapr.Ingest.Tests.Api;

/// <summary>
/// A bulk publish that fails after the broker stored part of its entries (daprd answers an error and nothing else) is
/// sent again inside ingest with the same messages, within the publish bound: the client sees a 202, not a 503.
/// </summary>
public sealed class PublishRetryTests : IAsyncLifetime
{
    private readonly SidecarFixture sidecar = new(["--chaos-bulk-publish-partial", "0.3"]);

    public Task InitializeAsync() => sidecar.InitializeAsync();

    public Task DisposeAsync() => sidecar.DisposeAsync();

    [Fact]
    public async Task Requests_published_in_bulk_are_accepted_although_three_in_ten_bulk_calls_fail_part_way()
    {
        using var factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string>
        {
            ["Ingest:EventsPerMessage"] = "10",
            ["Ingest:PublishTimeout"] = "00:00:05",
        });
        var client = factory.CreateClient();
        var body = "[" + string.Join(',', Enumerable.Range(0, 50).Select(i =>
            $$"""{"id":"e{{i}}","tenant_id":"acme","service":"api","severity":"info","message":"m"}""")) + "]";

        var statuses = new List<HttpStatusCode>();
        for (var request = 0; request < 20; request++)
        {
            using var response = await client.PostAsync("/v1/logs", new StringContent(body.Replace("\"e", $"\"r{request}-e", StringComparison.Ordinal), Encoding.UTF8, "application/json"));
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Accepted, s));
        Assert.Contains(factory.Logs.Entries, e => e.Contains("sending the same messages again", StringComparison.Ordinal));
    }
}
