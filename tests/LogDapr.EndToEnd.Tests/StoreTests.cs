using System.Net;
using LogDapr.Configuration.Pipeline;
using LogDapr.EndToEnd.Tests.Support;

namespace LogDapr.EndToEnd.Tests;

/// <summary>
/// The log store as real processes: every accepted event stored exactly once whatever is redelivered, killed or
/// stopped, and counting independent of it (its own app id, its own consumer group).
/// </summary>
public class StoreTests
{
    [Fact]
    public async Task Redelivered_twice_and_the_store_killed_mid_delivery_every_event_is_stored_once()
    {
        await using var pipeline = await TestPipeline.StartAsync(
            "store-crash",
            sidecarArguments: ["--redeliver-successful", "2", "--delivery-delay", "50ms"],
            appEnvironment: new Dictionary<string, string?> { ["Ingest__EventsPerMessage"] = "20", ["Aggregator__BulkMaxMessages"] = "10" });
        var model = Models.Recent(seed: 31);
        using var sending = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            for (var request = 0; request < 1000 && (request < 60 || !sending.IsCancellationRequested); request++)
            {
                // Half the requests carry event ids, half get ids at ingest: both must be stored once.
                Assert.Equal(HttpStatusCode.Accepted, request % 2 == 0
                    ? await pipeline.SendRetryingAsync(model, 1 + (request * 29 % 60), request)
                    : await pipeline.SendAsync(model, 1 + (request * 29 % 60), request));
                await Task.Delay(10);
            }
        });

        for (var kill = 0; kill < 3; kill++)
        {
            await WaitForStoreDeliveryAsync(pipeline);
            await pipeline.Pipeline.Store.KillAsync();
            await Task.Delay(300);
            await pipeline.Pipeline.StartStoreAsync(CancellationToken.None);
        }

        await sending.CancelAsync();
        await sender;
        await pipeline.AssertStoredExactAsync(model);
        await pipeline.AssertCountsExactAsync(model);
        Assert.Equal(0, await pipeline.Sidecar.SubscriptionCounterAsync("logs", "deadLettered"));
        Assert.True(await pipeline.Sidecar.SubscriptionCounterAsync("logs", "redelivered", appId: PipelineDefaults.StoreAppId) > 0,
            "the store never saw a redelivery: the test proves nothing about duplicates");
    }

    [Fact]
    public async Task Counting_keeps_up_while_the_store_is_down_and_the_store_catches_up_after()
    {
        await using var pipeline = await TestPipeline.StartAsync("store-down");
        var model = Models.Recent(seed: 32);
        await pipeline.Pipeline.Store.KillAsync();

        for (var request = 0; request < 40; request++)
        {
            Assert.Equal(HttpStatusCode.Accepted, await pipeline.SendRetryingAsync(model, 25, request));
        }

        // Every event is counted while the store's whole backlog is still waiting for it.
        await pipeline.Sidecar.WaitUntilAppDrainedAsync(PipelineDefaults.AggregatorAppId, TimeSpan.FromSeconds(90), pipeline.Pipeline.Diagnostics);
        var counts = await pipeline.CountsAsync(model);
        Assert.Equal(model.ExpectedTotal, counts.Values.Sum());
        Assert.True(await pipeline.Sidecar.SubscriptionCounterAsync("logs", "pending", appId: PipelineDefaults.StoreAppId) > 0,
            "the store's subscription holds nothing while the store is down: it is not a consumer group of its own");

        await pipeline.Pipeline.StartStoreAsync(CancellationToken.None);
        await pipeline.AssertStoredExactAsync(model);
        await pipeline.AssertCountsExactAsync(model);
    }

    [Fact]
    public async Task Postgres_stopped_and_started_again_loses_and_duplicates_no_stored_event()
    {
        await using var pipeline = await TestPipeline.StartAsync("store-pg-outage");
        var model = Models.Recent(seed: 33);
        for (var request = 0; request < 10; request++)
        {
            Assert.Equal(HttpStatusCode.Accepted, await pipeline.SendRetryingAsync(model, 40, request));
        }

        await pipeline.AssertStoredExactAsync(model);
        await pipeline.Pipeline.Postgres.StopAsync(CancellationToken.None);
        for (var request = 10; request < 30; request++)
        {
            Assert.Equal(HttpStatusCode.Accepted, await pipeline.SendRetryingAsync(model, 40, request));
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        await pipeline.Pipeline.Postgres.StartAsync(CancellationToken.None);

        await pipeline.AssertStoredExactAsync(model);
        await pipeline.AssertCountsExactAsync(model);
        Assert.Equal(0, await pipeline.Sidecar.SubscriptionCounterAsync("logs", "deadLettered"));
    }

    private static async Task WaitForStoreDeliveryAsync(TestPipeline pipeline)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await pipeline.Sidecar.SubscriptionCounterAsync("logs", "inFlight", appId: PipelineDefaults.StoreAppId) > 0)
            {
                return;
            }

            await Task.Delay(5);
        }

        Assert.Fail("no delivery to the store was in flight within 30 s: " + await pipeline.Sidecar.TopicsAsync());
    }
}
