using System.Net;
using LogDapr.EndToEnd.Tests.Support;

namespace LogDapr.EndToEnd.Tests;

/// <summary>The pipeline's core promise, through real processes and real Postgres.</summary>
public class CountingTests
{
    [Fact]
    public async Task Events_posted_in_mixed_batches_are_counted_exactly_per_tenant_service_severity_and_minute()
    {
        await using var pipeline = await TestPipeline.StartAsync("counting");
        var model = Models.Recent(seed: 1);

        for (var request = 0; request < 60; request++)
        {
            var size = request % 5 == 0 ? 1 : 1 + (request * 37 % 240);
            Assert.Equal(HttpStatusCode.Accepted, await pipeline.SendRetryingAsync(model, size, request));
        }

        Assert.True(model.ExpectedTotal > 5000, $"only {model.ExpectedTotal} events generated");
        await pipeline.AssertCountsExactAsync(model);
    }

    [Fact]
    public async Task Every_message_redelivered_twice_is_still_counted_once()
    {
        await using var pipeline = await TestPipeline.StartAsync("redelivery", sidecarArguments: ["--redeliver-successful", "2"]);
        var model = Models.Recent(seed: 2);

        for (var request = 0; request < 40; request++)
        {
            Assert.Equal(HttpStatusCode.Accepted, await pipeline.SendRetryingAsync(model, 1 + (request * 13 % 120), request));
        }

        await pipeline.AssertCountsExactAsync(model);
        var redelivered = await pipeline.Sidecar.SubscriptionCounterAsync("logs", "redelivered");
        Assert.True(redelivered >= 40 * 2, $"the sidecar redelivered only {redelivered} messages; the scenario did not happen");
    }
}
