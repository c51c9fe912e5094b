using System.Net;
using System.Text;
using System.Text.Json;
using LogDapr.Contracts.CloudEvents;
using LogDapr.Ingest.Tests.Support;

namespace LogDapr.Ingest.Tests.Publishing;

/// <summary>
/// What the broker holds after ingest's publish: the CloudEvent ingest built, id included, not one the sidecar wrapped
/// around it. Exactly-once counting keys on that id, and a retried publish is counted once only because it carries it.
/// </summary>
public sealed class PublishedCloudEventTests(SidecarFixture sidecar) : IClassFixture<SidecarFixture>, IDisposable
{
    // One event per message: a request of three events is three messages, sent as one bulk publish.
    private readonly IngestFactory factory = new(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string>
    {
        ["Ingest:DefaultTenant"] = "acme",
        ["Ingest:EventsPerMessage"] = "1",
    });

    public void Dispose() => factory.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Each_message_is_stored_as_ingest_s_own_cloud_event(int messages)
    {
        using var client = factory.CreateClient();
        var ids = Enumerable.Range(0, messages).Select(_ => "published-" + Guid.NewGuid().ToString("N")).ToList();
        var body = "[" + string.Join(',', ids.Select(id => $$"""{"id":"{{id}}","service":"checkout","severity":"info","message":"m"}""")) + "]";

        var response = await client.PostAsync(new Uri("/v1/logs", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var stored = sidecar.PublishedCloudEvents().Where(e => Events(e).Intersect(ids).Any()).ToList();
        Assert.Equal(messages, stored.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), stored.SelectMany(Events).Order(StringComparer.Ordinal));
        Assert.All(stored, e =>
        {
            Assert.Equal(CloudEventTypes.Source, e.GetProperty("source").GetString());
            Assert.Equal(CloudEventTypes.DataSchema, e.GetProperty("dataschema").GetString());
            Assert.True(Guid.TryParse(e.GetProperty("id").GetString(), out _), e.GetRawText());
        });
    }

    private static IEnumerable<string> Events(JsonElement cloudEvent) =>
        cloudEvent.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("events", out var events)
            ? events.EnumerateArray().Select(e => e.GetProperty("id").GetString()!)
            : [];
}
