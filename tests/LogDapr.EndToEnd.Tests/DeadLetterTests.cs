using System.Net;
using System.Text.Json.Nodes;
using LogDapr.Configuration.Pipeline;
using LogDapr.EndToEnd.Tests.Support;

namespace LogDapr.EndToEnd.Tests;

/// <summary>Poison published straight onto the topic never blocks counting and stays inspectable and replayable.</summary>
public class DeadLetterTests
{
    private const string PoisonId = "poison-42";

    // Valid CloudEvent, invalid data: the second event has no message and an unknown severity.
    private const string Poison = """
        {"specversion":"1.0","id":"poison-42","source":"tests/legacy-app","type":"io.logdapr.logbatch.v1",
         "datacontenttype":"application/json",
         "data":{"events":[{"tenant_id":"acme","service":"legacy","severity":"info","message":"ok"},
                           {"tenant_id":"acme","service":"legacy","severity":"loud"}]}}
        """;

    [Fact]
    public async Task Poison_lands_in_dead_letters_with_its_reason_while_counting_goes_on_and_a_fixed_replay_counts_once()
    {
        await using var pipeline = await TestPipeline.StartAsync("poison");
        var model = Models.Recent(seed: 6);

        var published = await pipeline.Client.PublishViaDaprAsync(PipelineDefaults.PubSubComponent, PipelineDefaults.LogsTopic, Poison, "application/cloudevents+json");
        Assert.Equal(HttpStatusCode.NoContent, published.Status);
        await pipeline.Client.PublishViaDaprAsync(PipelineDefaults.PubSubComponent, PipelineDefaults.LogsTopic, "this is not json", "text/plain");
        for (var request = 0; request < 20; request++)
        {
            Assert.Equal(HttpStatusCode.Accepted, await pipeline.SendRetryingAsync(model, 30, request));
        }

        await pipeline.AssertCountsExactAsync(model);

        var page = (await pipeline.Client.ListDeadLettersAsync()).Body!;
        var items = page["items"]!.AsArray();
        Assert.Equal(2, items.Count);
        var poison = items.Single(i => i!["message_id"]!.GetValue<string>() == PoisonId)!;
        Assert.Contains("[1]", poison["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("message", poison["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, poison["attempts"]!.GetValue<int>());
        Assert.Equal("legacy", poison["payload"]!["data"]!["events"]![0]!["service"]!.GetValue<string>());
        var text = items.Single(i => i!["message_id"]!.GetValue<string>() != PoisonId)!;
        Assert.Contains("LogEvent", text["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        // Replaying it unchanged sends it straight back to the dead letters; nothing is counted.
        var id = poison["id"]!.GetValue<long>();
        Assert.Equal(HttpStatusCode.Accepted, (await pipeline.Client.ReplayAsync(id)).Status);
        await pipeline.WaitUntilDrainedAsync();
        Assert.Equal(2, (await pipeline.Client.ListDeadLettersAsync()).Body!["items"]!.AsArray()
            .Single(i => i!["message_id"]!.GetValue<string>() == PoisonId)!["attempts"]!.GetValue<int>());

        // Fixed and replayed twice: counted once, because the replay keeps the message id.
        const string fixedData = """{"data":{"events":[{"tenant_id":"acme","service":"legacy","severity":"info","message":"ok","timestamp":"TS"},{"tenant_id":"acme","service":"legacy","severity":"error","message":"fixed","timestamp":"TS"}]}}""";
        var body = fixedData.Replace("TS", model.From.AddMinutes(2).ToString("O", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, (await pipeline.Client.ReplayAsync(id, body)).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await pipeline.Client.ReplayAsync(id, body)).Status);
        await pipeline.WaitUntilDrainedAsync();

        var counts = await pipeline.CountsAsync(model);
        var legacy = counts.Where(c => c.Key.Service == "legacy").ToList();
        Assert.Equal(2, legacy.Sum(c => c.Value));
        Assert.Equal(1, legacy.Single(c => c.Key.Severity == "error").Value);
        var replayed = (await pipeline.Client.ListDeadLettersAsync()).Body!["items"]!.AsArray().Single(i => i!["message_id"]!.GetValue<string>() == PoisonId)!;
        Assert.Equal(3, replayed["replay_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Dead_letters_page_newest_first()
    {
        await using var pipeline = await TestPipeline.StartAsync("dlq-paging");
        for (var i = 0; i < 5; i++)
        {
            await pipeline.Client.PublishViaDaprAsync(PipelineDefaults.PubSubComponent, PipelineDefaults.LogsTopic, $"{{\"broken\":{i}}}", "application/json");
        }

        await pipeline.WaitUntilDrainedAsync();
        var first = (await pipeline.Client.ListDeadLettersAsync("limit=3")).Body!;
        var next = first["next_before"]!.GetValue<long>();
        var second = (await pipeline.Client.ListDeadLettersAsync($"limit=3&before={next}")).Body!;

        var ids = first["items"]!.AsArray().Concat(second["items"]!.AsArray()).Select(i => i!["id"]!.GetValue<long>()).ToList();
        Assert.Equal(5, ids.Count);
        Assert.Equal(ids.OrderDescending(), ids);
        Assert.Null(second["next_before"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await pipeline.Client.ListDeadLettersAsync("limit=0")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await pipeline.Client.ReplayAsync(999_999)).Status);
    }
}
