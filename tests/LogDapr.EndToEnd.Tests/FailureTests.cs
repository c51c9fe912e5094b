using System.Diagnostics;
using System.Net;
using LogDapr.EndToEnd.Tests.Support;

namespace LogDapr.EndToEnd.Tests;

/// <summary>Crashes and outages: nothing that got a 202 is lost or counted twice, nothing that did not is counted.</summary>
public class FailureTests
{
    [Fact]
    public async Task Aggregator_killed_mid_delivery_several_times_loses_and_duplicates_nothing()
    {
        // Small messages, small bulk deliveries and a delay per delivery keep deliveries in flight to interrupt.
        await using var pipeline = await TestPipeline.StartAsync(
            "crash",
            sidecarArguments: ["--delivery-delay", "50ms"],
            appEnvironment: new Dictionary<string, string?> { ["Ingest__EventsPerMessage"] = "20", ["Aggregator__BulkMaxMessages"] = "10" });
        var model = Models.Recent(seed: 3);
        using var sending = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            for (var request = 0; request < 2000 && (request < 100 || !sending.IsCancellationRequested); request++)
            {
                Assert.Equal(HttpStatusCode.Accepted, await pipeline.SendRetryingAsync(model, 1 + (request * 29 % 120), request));
                await Task.Delay(10);
            }
        });

        for (var kill = 0; kill < 4; kill++)
        {
            await WaitForInFlightDeliveryAsync(pipeline);
            await pipeline.Pipeline.Aggregator.KillAsync();
            await Task.Delay(300);
            await pipeline.Pipeline.StartAggregatorAsync(CancellationToken.None);
        }

        await sending.CancelAsync();
        await sender;
        await pipeline.AssertCountsExactAsync(model);
        Assert.Equal(0, await pipeline.Sidecar.SubscriptionCounterAsync("logs", "deadLettered"));
    }

    [Fact]
    public async Task Postgres_outage_makes_the_aggregator_retry_and_counts_are_exact_after_it_returns()
    {
        await using var pipeline = await TestPipeline.StartAsync("pg-outage");
        var model = Models.Recent(seed: 4);
        for (var request = 0; request < 10; request++)
        {
            Assert.Equal(HttpStatusCode.Accepted, await pipeline.SendRetryingAsync(model, 50, request));
        }

        // The outage hits a pipeline that is counting: the sidecar's health probe has seen the aggregator ready.
        await pipeline.AssertCountsExactAsync(model);
        await pipeline.Pipeline.Postgres.StopAsync(CancellationToken.None);
        var retriedBefore = await pipeline.Sidecar.SubscriptionCounterAsync("logs", "retried", appId: LogDapr.Configuration.Pipeline.PipelineDefaults.AggregatorAppId);
        for (var request = 10; request < 30; request++)
        {
            // Ingest does not need Postgres: it keeps accepting while the sink is down.
            Assert.Equal(HttpStatusCode.Accepted, await pipeline.SendRetryingAsync(model, 50, request));
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await pipeline.Sidecar.SubscriptionCounterAsync("logs", "retried", appId: LogDapr.Configuration.Pipeline.PipelineDefaults.AggregatorAppId) == retriedBefore && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.True(await pipeline.Sidecar.SubscriptionCounterAsync("logs", "retried", appId: LogDapr.Configuration.Pipeline.PipelineDefaults.AggregatorAppId) > retriedBefore, "the aggregator never answered RETRY while Postgres was down");
        await Task.Delay(TimeSpan.FromSeconds(3));
        await pipeline.Pipeline.Postgres.StartAsync(CancellationToken.None);

        await pipeline.AssertCountsExactAsync(model);
        Assert.Equal(0, await pipeline.Sidecar.SubscriptionCounterAsync("logs", "deadLettered"));
    }

    [Fact]
    public async Task With_the_sidecar_down_ingest_answers_503_in_bounded_time_and_those_requests_are_never_counted()
    {
        await using var pipeline = await TestPipeline.StartAsync("sidecar-down");
        var model = Models.Recent(seed: 5);
        for (var request = 0; request < 10; request++)
        {
            Assert.Equal(HttpStatusCode.Accepted, await pipeline.SendRetryingAsync(model, 20, request));
        }

        await pipeline.WaitUntilDrainedAsync();
        await pipeline.Pipeline.Sidecar.KillAsync();

        for (var request = 10; request < 20; request++)
        {
            var (payload, _) = model.Next(20, request);
            var clock = Stopwatch.StartNew();
            using var response = await pipeline.Http.PostAsync("/v1/logs", payload.Content);
            clock.Stop();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            // Default publish bound is 2 s; the margin absorbs a loaded CI machine, not a missing bound.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"503 took {clock.Elapsed}");
        }

        await pipeline.Pipeline.StartSidecarAsync(CancellationToken.None);
        await WaitForReadyAsync(pipeline);
        for (var request = 20; request < 30; request++)
        {
            Assert.Equal(HttpStatusCode.Accepted, await pipeline.SendRetryingAsync(model, 20, request));
        }

        await pipeline.AssertCountsExactAsync(model);
    }

    private static async Task WaitForInFlightDeliveryAsync(TestPipeline pipeline)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await pipeline.Sidecar.SubscriptionCounterAsync("logs", "inFlight", appId: LogDapr.Configuration.Pipeline.PipelineDefaults.AggregatorAppId) > 0)
            {
                return;
            }

            await Task.Delay(5);
        }

        Assert.Fail("no delivery was in flight within 30 s: " + await pipeline.Sidecar.TopicsAsync());
    }

    private static async Task WaitForReadyAsync(TestPipeline pipeline)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await pipeline.Http.GetAsync("/readyz");
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("ingest did not become ready again after the sidecar restarted");
    }
}
