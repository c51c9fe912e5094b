using System.Net;
using System.Text;
using LogDapr.Ingest.Tests.Support;

namespace LogDapr.Ingest.Tests.EdgeProtection;

/// <summary>
/// Backpressure in two stages: a few work slots for decoding and validating, many places for requests that only wait
/// for the broker. A broker that answers slowly (the development sidecar storing every publish, then answering late)
/// must not turn single-event senders away while the replica's CPU is idle; the places awaiting the broker are still
/// bounded, and a request refused for want of one publishes nothing.
/// </summary>
public sealed class RequestSlotTests
{
    private const string SingleEvent = """{"tenant_id":"acme","service":"api","severity":"info","message":"one event per request"}""";

    private static async Task<SidecarFixture> SlowBrokerAsync()
    {
        var sidecar = new SidecarFixture(["--chaos-publish-ack-delay", "400ms"]);
        await sidecar.InitializeAsync();
        return sidecar;
    }

    private static async Task<HttpStatusCode[]> SendConcurrentlyAsync(HttpClient client, int requests)
    {
        using var start = new SemaphoreSlim(0);
        var sends = Enumerable.Range(0, requests).Select(async _ =>
        {
            await start.WaitAsync();
            using var response = await client.PostAsync("/v1/logs", new StringContent(SingleEvent, Encoding.UTF8, "application/json"));
            return response.StatusCode;
        }).ToList();
        start.Release(requests);
        return await Task.WhenAll(sends);
    }

    [Fact]
    public async Task Requests_waiting_on_a_slow_broker_do_not_hold_the_work_slots_so_none_is_refused()
    {
        var sidecar = await SlowBrokerAsync();
        try
        {
            using var factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string>
            {
                ["Ingest:MaxConcurrentRequests"] = "2",
                // Only the slots are under test: a loaded machine must not turn a slow confirmation into a 503.
                ["Ingest:PublishTimeout"] = "00:00:30",
            });
            var client = factory.CreateClient();
            var before = await sidecar.PublishedAsync("logs");

            var statuses = await SendConcurrentlyAsync(client, 40);

            // Every request waited about 400 ms for the broker, 40 at once, with 2 work slots: all are accepted.
            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Accepted, s));
            Assert.Equal(before + 40, await sidecar.PublishedAsync("logs"));
        }
        finally
        {
            await sidecar.DisposeAsync();
        }
    }

    [Fact]
    public async Task Requests_beyond_the_places_awaiting_the_broker_get_503_and_publish_nothing()
    {
        var sidecar = await SlowBrokerAsync();
        try
        {
            using var factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string>
            {
                ["Ingest:MaxConcurrentRequests"] = "4",
                ["Ingest:MaxAwaitingPublish"] = "3",
                ["Ingest:PublishTimeout"] = "00:00:30",
            });
            var client = factory.CreateClient();
            var before = await sidecar.PublishedAsync("logs");

            var statuses = await SendConcurrentlyAsync(client, 30);

            Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable, s.ToString()));
            Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);
            Assert.Contains(HttpStatusCode.Accepted, statuses);
            // A 503 published nothing: the topic holds exactly the accepted events.
            Assert.Equal(before + statuses.Count(s => s == HttpStatusCode.Accepted), await sidecar.PublishedAsync("logs"));
        }
        finally
        {
            await sidecar.DisposeAsync();
        }
    }
}
