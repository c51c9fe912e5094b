using System.Net;
using LogDapr.EndToEnd.Tests.Support;

namespace LogDapr.EndToEnd.Tests;

/// <summary>
/// The whole pipeline with HTTPS on every service (local stack Tls): ingest over TLS, the development sidecar
/// delivering to the HTTPS aggregator and store with --app-protocol https, the query API over TLS.
/// </summary>
public class TlsTests
{
    [Fact]
    public async Task Events_posted_over_https_are_delivered_to_the_https_aggregator_and_counted_exactly()
    {
        await using var pipeline = await TestPipeline.StartAsync("tls", tls: true);
        var model = Models.Recent(seed: 17);

        for (var request = 0; request < 10; request++)
        {
            Assert.Equal(HttpStatusCode.Accepted, await pipeline.SendRetryingAsync(model, 1 + (request * 29 % 80), request));
        }

        Assert.Equal("https", pipeline.Pipeline.IngestUrl.Scheme);
        Assert.Equal("https", pipeline.Pipeline.AggregatorUrl.Scheme);
        await pipeline.AssertCountsExactAsync(model);
        using var plain = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync(new Uri(pipeline.Pipeline.AggregatorUrl, "/healthz")));
    }
}
