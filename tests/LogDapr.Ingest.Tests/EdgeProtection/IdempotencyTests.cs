using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LogDapr.Ingest.Tests.Api;
using LogDapr.Ingest.Tests.Support;

namespace LogDapr.Ingest.Tests.EdgeProtection;

/// <summary>Idempotency-Key: a retried request publishes once, whatever the timing, through a real sidecar and its state store.</summary>
public sealed class IdempotencyTests : IClassFixture<SidecarFixture>, IDisposable
{
    private readonly SidecarFixture sidecar;
    private readonly IngestFactory factory;

    public IdempotencyTests(SidecarFixture sidecar)
    {
        this.sidecar = sidecar;
        // Bounds are tested in IdempotencyRetryTests; here a slow claim on a loaded test machine must not become a 503.
        factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string> { ["Ingest:IdempotencyStoreTimeout"] = "00:00:10" });
    }

    public void Dispose() => factory.Dispose();

    private static string Batch(string message) => $$"""[{"tenant_id":"acme","service":"api","severity":"info","message":"{{message}}"},{"tenant_id":"acme","service":"api","severity":"nope","message":"x"}]""";

    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(string body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        var response = await factory.CreateClient().SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    [Fact]
    public async Task A_retry_with_the_same_key_and_body_gets_the_first_answer_and_publishes_nothing()
    {
        var key = Guid.NewGuid().ToString();
        var before = await sidecar.PublishedAsync("logs");

        var first = await PostAsync(Batch("once"), key);
        var retry = await PostAsync(Batch("once"), key);

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(HttpStatusCode.Accepted, retry.Status);
        Assert.Equal(first.Body, retry.Body);
        Assert.Equal(1, JsonNode.Parse(retry.Body)!["accepted"]!.GetValue<int>());
        Assert.Equal("true", retry.Response.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.False(first.Response.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(before + 1, await sidecar.PublishedAsync("logs"));
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_refused_with_422()
    {
        var key = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(Batch("a"), key)).Status);

        var reused = await PostAsync(Batch("b"), key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.Status);
        Assert.Equal("https://logdapr.io/problems/idempotency-key-reused", JsonNode.Parse(reused.Body)!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Fifty_concurrent_duplicates_publish_exactly_once()
    {
        var key = Guid.NewGuid().ToString();
        var before = await sidecar.PublishedAsync("logs");

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => PostAsync(Batch("concurrent"), key)));

        Assert.Equal(before + 1, await sidecar.PublishedAsync("logs"));
        Assert.Contains(results, r => r.Status == HttpStatusCode.Accepted);
        Assert.All(results, r => Assert.True(r.Status is HttpStatusCode.Accepted or HttpStatusCode.Conflict, $"{r.Status}: {r.Body}"));
        Assert.All(results.Where(r => r.Status == HttpStatusCode.Conflict), r => Assert.NotNull(r.Response.Headers.RetryAfter));
    }

    [Fact]
    public async Task A_refused_request_frees_its_key_for_a_corrected_retry()
    {
        var key = Guid.NewGuid().ToString();

        var invalid = await PostAsync("""{"tenant_id":"acme"}""", key);
        var corrected = await PostAsync(Batch("fixed"), key);

        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        Assert.Equal(HttpStatusCode.Accepted, corrected.Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has\ttab")]
    public async Task Malformed_keys_are_refused(string key)
    {
        var response = await PostAsync(Batch("x"), key.Length == 0 ? new string('k', 256) : key);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("Idempotency-Key", response.Body, StringComparison.Ordinal);
    }
}
