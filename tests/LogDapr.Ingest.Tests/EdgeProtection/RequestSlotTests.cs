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
            return await SendAsync(client);
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
                ["Ingest:MaxConcurrentRequests"] = "1",
                // Only the slots are under test: a loaded machine must not turn a slow confirmation into a 503.
                ["Ingest:PublishTimeout"] = "00:00:30",
            });
            var client = factory.CreateClient();
            // The first request compiles the whole path and may hold the slot for longer than the spacing below.
            Assert.Equal(HttpStatusCode.Accepted, await SendAsync(client));
            var before = await sidecar.PublishedAsync("logs");

            // One work slot and a request every 100 ms, each waiting ~400 ms for the broker: about four await it at
            // once. A request that kept its slot through that wait would get the next ones refused; reading one event
            // takes far less than 100 ms, so none is, however loaded the machine. (Arrivals at the same instant would
            // race for the slot itself, which is answered 503 by design.)
            var sends = new List<Task<HttpStatusCode>>();
            for (var i = 0; i < 12; i++)
            {
                sends.Add(SendAsync(client));
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }

            var statuses = await Task.WhenAll(sends);

            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Accepted, s));
            Assert.Equal(before + 12, await sidecar.PublishedAsync("logs"));
        }
        finally
        {
            await sidecar.DisposeAsync();
        }
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/v1/logs", new StringContent(SingleEvent, Encoding.UTF8, "application/json"));
        return response.StatusCode;
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
