using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LogDapr.Ingest.Tests.Support;

namespace LogDapr.Ingest.Tests.Api;

/// <summary>Without a sidecar nothing can be published: valid requests fail fast and retriably, and readiness says so.</summary>
public sealed class SidecarDownTests : IDisposable
{
    private readonly IngestFactory factory = IngestFactory.SidecarDown(new Dictionary<string, string> { ["Ingest:PublishTimeout"] = "00:00:01" });

    public void Dispose() => factory.Dispose();

    [Theory]
    [InlineData("""{"tenant_id":"acme","service":"api","severity":"info","message":"ok"}""")]
    [InlineData("""[{"tenant_id":"acme","service":"api","severity":"info","message":"ok"},{"tenant_id":"acme","service":"api","severity":"warn","message":"ok"}]""")]
    public async Task Valid_events_get_503_with_retry_after_within_the_publish_timeout(string body)
    {
        var client = factory.CreateClient();
        var clock = Stopwatch.StartNew();

        var response = await client.PostAsync("/v1/logs", new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse("application/json")));

        clock.Stop();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("https://logdapr.io/problems/publish-unavailable", problem["type"]!.GetValue<string>());
        // The bound is the configured publish timeout (1 s here) plus request handling; generous margin for a loaded CI machine.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task Liveness_is_up_and_readiness_reports_the_sidecar_down()
    {
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var report = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        Assert.Equal("Unhealthy", report["checks"]!["dapr-sidecar"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_openapi_document_and_the_schema_url_publish_the_logevent_schema()
    {
        var client = factory.CreateClient();

        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var schema = JsonNode.Parse(await client.GetStringAsync("/schemas/logevent-v1.json"))!;

        Assert.NotNull(document["paths"]!["/v1/logs"]!["post"]);
        var published = document["components"]!["schemas"]!["LogEventV1"]!;
        var required = published["required"]!.AsArray().Select(r => r!.GetValue<string>()).Order();
        Assert.Equal(schema["required"]!.AsArray().Select(r => r!.GetValue<string>()).Order(), required);
        Assert.Contains("tenant_id", required);
        var content = document["paths"]!["/v1/logs"]!["post"]!["requestBody"]!["content"]!.AsObject();
        Assert.Contains("application/x-ndjson", content.Select(c => c.Key));
    }
}
