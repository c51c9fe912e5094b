using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using LogDapr.Ingest.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Ingest.Tests.Protocols;

/// <summary>
/// What a shipper must retry gets a whole-request 429 or 503 with Retry-After (Fluent Bit, Vector, Filebeat and
/// Logstash all retry those), and a retried bulk with <c>_id</c>s publishes the same ids.
/// </summary>
public sealed class ElasticsearchBulkRetryTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const string Bulk = "{\"index\":{\"_index\":\"logs-checkout-acme\",\"_id\":\"r-1\"}}\n{\"message\":\"a\"}\n{\"create\":{\"_index\":\"logs-checkout-acme\",\"_id\":\"r-2\"}}\n{\"message\":\"b\"}\n";

    private static async Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)> PostAsync(Uri server, string body = Bulk)
    {
        using var http = new HttpClient();
        var response = await http.PostAsync(new Uri(server, "/_bulk"), new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse("application/x-ndjson")));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!, response);
    }

    private static BulkRequest ClientBulk() => new("logs-checkout-acme")
    {
        Operations = new BulkOperationsCollection
        {
            new BulkIndexOperation<JsonObject>(new JsonObject { ["message"] = "a" }) { Id = "r-1" },
            new BulkCreateOperation<JsonObject>(new JsonObject { ["message"] = "b" }) { Id = "r-2" },
        },
    };

    [Fact]
    public async Task Sidecar_down_is_a_whole_request_503_with_Retry_After_and_nothing_is_counted()
    {
        using var down = IngestFactory.SidecarDown(new Dictionary<string, string> { ["Ingest:PublishTimeout"] = "00:00:01" });
        var server = down.StartOnKestrel();

        var (status, body, response) = await PostAsync(server);
        var client = await new ElasticsearchClient(new ElasticsearchClientSettings(server)).BulkAsync(ClientBulk());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter!.Delta);
        Assert.Equal("unavailable_shards_exception", body["error"]!["type"]!.GetValue<string>());
        Assert.Equal(503, client.ApiCallDetails.HttpStatusCode);
        Assert.False(client.IsValidResponse);
    }

    [Fact]
    public async Task A_bulk_whose_publish_was_not_confirmed_is_retried_whole_and_publishes_the_same_ids_again()
    {
        // The broker stores each publish but confirms it after 4 s: past a 2 s publish bound, within a 10 s one. The
        // first attempt has 2 s to reach the broker: with 1 s a busy machine sometimes cancelled it before it did.
        var sidecar = new SidecarFixture(["--chaos-publish-ack-delay", "4s"]);
        await sidecar.InitializeAsync();
        try
        {
            var settings = new Dictionary<string, string> { ["Ingest:EventsPerMessage"] = "1" };
            using var impatient = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string>(settings) { ["Ingest:PublishTimeout"] = "00:00:02" });
            using var patient = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string>(settings) { ["Ingest:PublishTimeout"] = "00:00:10" });
            var before = await sidecar.PublishedAsync("logs");

            var first = await new ElasticsearchClient(new ElasticsearchClientSettings(impatient.StartOnKestrel())).BulkAsync(ClientBulk());
            var retry = await new ElasticsearchClient(new ElasticsearchClientSettings(patient.StartOnKestrel())).BulkAsync(ClientBulk());

            Assert.Equal(503, first.ApiCallDetails.HttpStatusCode);
            Assert.True(retry.IsValidResponse, retry.DebugInformation);
            Assert.False(retry.Errors);
            // Both attempts reached the broker: the same two messages twice, with the ids derived from index and _id
            // (ElasticsearchBulkDecoderTests), which the aggregator counts once. The journal holds two distinct ids.
            Assert.Equal(before + 4, await sidecar.PublishedAsync("logs"));
            Assert.Equal(2, sidecar.PublishedCloudEvents().Count);
        }
        finally
        {
            await sidecar.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_rate_limit_is_a_whole_request_429_with_Retry_After_and_a_bulk_over_the_burst_is_a_413()
    {
        using var limited = IngestFactory.SidecarDown(new Dictionary<string, string>
        {
            ["Ingest:RateLimit:Enabled"] = "true",
            ["Ingest:RateLimit:EventsPerSecond"] = "0.5",
            ["Ingest:RateLimit:Burst"] = "2",
            ["Ingest:RateLimit:RedisConnectionString"] = redis.ConnectionString,
            ["Ingest:PublishTimeout"] = "00:00:01",
        });
        var server = limited.StartOnKestrel();
        var three = Bulk + "{\"index\":{\"_index\":\"app\"}}\n{\"message\":\"c\"}\n";

        var first = await PostAsync(server);
        var second = await PostAsync(server);
        var tooBig = await PostAsync(server, three);

        // The first takes the burst (and gets the retryable 503 of a sidecar that is not there); the second is limited.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.Status);
        Assert.NotNull(second.Response.Headers.RetryAfter);
        Assert.Equal("es_rejected_execution_exception", second.Body["error"]!["type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.Status);
        Assert.Null(tooBig.Response.Headers.RetryAfter);
    }
}
