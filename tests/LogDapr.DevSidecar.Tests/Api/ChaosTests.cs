using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dapr;
using Grpc.Core;
using LogDapr.DevSidecar.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.DevSidecar.Tests.Api;

/// <summary>
/// --chaos-bulk-publish-partial: a random subset of a bulk publish is stored (and delivered) while the call fails as
/// daprd fails it; --chaos-publish-ack-delay: the message is stored before the late answer; --bench-discard-publishes
/// (benchmarks only): answered at once, nothing stored.
/// </summary>
public sealed class ChaosTests
{
    private sealed record Entry(int N);

    [Fact]
    public async Task A_partial_bulk_publish_stores_and_delivers_a_subset_while_the_grpc_call_fails()
    {
        await using var env = await PipelineEnv.StartAsync(FakeApp.Subscriptions(FakeApp.Subscription("partial", "/partial")),
            configure: o => o with { ChaosBulkPublishPartial = 1 });
        var events = Enumerable.Range(0, 20).Select(i => new Entry(i)).ToList();

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => env.Sidecar.Client.BulkPublishEventAsync(Yaml.PubSub, "partial", events));
        var rpc = Assert.IsType<RpcException>(ex.InnerException ?? ex);
        Assert.Equal(StatusCode.Internal, rpc.StatusCode);
        Assert.StartsWith($"error when publishing to topic partial in pubsub {Yaml.PubSub}: ", rpc.Status.Detail);

        var stored = await env.Sidecar.CounterAsync("partial", "published");
        Assert.InRange(stored, 0, events.Count - 1);
        await env.Sidecar.WaitDrainedAsync("partial");
        Assert.Equal(stored, env.App.To("/partial").Count());
    }

    [Fact]
    public async Task A_partial_bulk_publish_over_http_answers_daprds_status_body_and_headers()
    {
        await using var env = await PipelineEnv.StartAsync("[]", configure: o => o with { ChaosBulkPublishPartial = 1 });
        var entries = new JsonArray(Enumerable.Range(0, 10).Select(i => (JsonNode)new JsonObject { ["entryId"] = $"e{i}", ["event"] = new JsonObject { ["n"] = i }, ["contentType"] = "application/json" }).ToArray());
        using var response = await env.Sidecar.Http.PostAsync($"/v1.0-alpha1/publish/bulk/{Yaml.PubSub}/partial-http", new StringContent(entries.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ERR_PUBSUB_PUBLISH_MESSAGE", (string?)body["errorCode"]);
        var failed = body["failedEntries"]!.AsArray().Select(e => (string)e!["entryId"]!).ToList();
        var stored = await env.Sidecar.CounterAsync("partial-http", "published");
        Assert.Equal(10 - stored, failed.Count);
        Assert.NotEmpty(failed);
        Assert.True(response.Headers.Contains("Metadata.responsedata"));
        Assert.StartsWith("api error: code = Internal desc = error when publishing to topic partial-http", response.Headers.GetValues("Metadata.error").Single());
    }

    [Fact]
    public async Task A_late_acknowledgement_comes_after_the_message_is_stored()
    {
        await using var env = await PipelineEnv.StartAsync("[]", configure: o => o with { ChaosPublishAckDelay = TimeSpan.FromSeconds(3) });
        var publish = env.Sidecar.Client.PublishEventAsync(Yaml.PubSub, "late", new Entry(1));

        await Eventually.TrueAsync(async () => await env.Sidecar.CounterAsync("late", "published") == 1, "the publish to be stored");
        Assert.False(publish.IsCompleted);
        await publish;
    }

    [Fact]
    public async Task The_benchmark_discard_mode_answers_publishes_at_once_stores_nothing_and_still_validates()
    {
        await using var env = await PipelineEnv.StartAsync(FakeApp.Subscriptions(FakeApp.Subscription("discarded", "/discarded")),
            configure: o => o with { BenchDiscardPublishes = true });

        await env.Sidecar.Client.PublishEventAsync(Yaml.PubSub, "discarded", new Entry(1));
        var bulk = await env.Sidecar.Client.BulkPublishEventAsync(Yaml.PubSub, "discarded", [new Entry(2), new Entry(3)]);

        Assert.Empty(bulk.FailedEntries);
        Assert.Equal(0, await env.Sidecar.CounterAsync("discarded", "published"));
        // Validation still runs: an unknown pub/sub is refused as daprd refuses it.
        await Assert.ThrowsAnyAsync<DaprException>(() => env.Sidecar.Client.PublishEventAsync("no-such-pubsub", "discarded", new Entry(4)));
    }
}
