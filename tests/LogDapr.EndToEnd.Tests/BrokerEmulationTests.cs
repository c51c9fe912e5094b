using System.Net;
using LogDapr.Configuration.Pipeline;
using LogDapr.EndToEnd.Tests.Support;
using LogDapr.LocalStack.Pipeline;

namespace LogDapr.EndToEnd.Tests;

/// <summary>
/// The counting and dead-letter promises hold whichever broker the sidecar emulates: Redis Streams and JetStream
/// deliver bulk through daprd's DefaultBulkSubscriber, Kafka natively, each with its own redelivery (see
/// tools/dev-sidecar/README.md). Same traffic, same exact counts, same dead letters.
/// </summary>
public class BrokerEmulationTests
{
    private const string PoisonId = "poison-broker";

    private const string Poison = """
        {"specversion":"1.0","id":"poison-broker","source":"tests/legacy-app","type":"io.logdapr.logbatch.v1",
         "datacontenttype":"application/json",
         "data":{"events":[{"tenant_id":"acme","service":"legacy","severity":"info","message":"ok"},
                           {"tenant_id":"acme","service":"legacy","severity":"loud"}]}}
        """;

    [Theory]
    [InlineData(LocalBroker.Redis)]
    [InlineData(LocalBroker.Kafka)]
    [InlineData(LocalBroker.JetStream)]
    public async Task Counts_are_exact_and_poison_is_dead_lettered_under_each_broker_emulation(LocalBroker broker)
    {
        await using var pipeline = await TestPipeline.StartAsync($"broker-{broker.ToString().ToLowerInvariant()}", broker: broker);
        var model = Models.Recent(seed: 11);

        Assert.Equal(HttpStatusCode.NoContent, (await pipeline.Client.PublishViaDaprAsync(PipelineDefaults.PubSubComponent, PipelineDefaults.LogsTopic, Poison, "application/cloudevents+json")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await pipeline.Client.PublishViaDaprAsync(PipelineDefaults.PubSubComponent, PipelineDefaults.LogsTopic, "this is not json", "text/plain")).Status);
        for (var request = 0; request < 40; request++)
        {
            var size = request % 5 == 0 ? 1 : 1 + (request * 37 % 200);
            Assert.Equal(HttpStatusCode.Accepted, await pipeline.SendRetryingAsync(model, size, request));
        }

        await pipeline.AssertCountsExactAsync(model);

        var items = (await pipeline.Client.ListDeadLettersAsync()).Body!["items"]!.AsArray();
        Assert.Equal(2, items.Count);
        var poison = items.Single(i => i!["message_id"]!.GetValue<string>() == PoisonId)!;
        Assert.Contains("[1]", poison["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, poison["attempts"]!.GetValue<int>());
        Assert.Contains("LogEvent", items.Single(i => i!["message_id"]!.GetValue<string>() != PoisonId)!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await pipeline.Sidecar.SubscriptionCounterAsync(PipelineDefaults.LogsTopic, "handedBack"));
    }
}
