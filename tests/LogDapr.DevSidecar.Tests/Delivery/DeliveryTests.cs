using System.Text.Json.Nodes;
using LogDapr.DevSidecar.Tests.Support;

namespace LogDapr.DevSidecar.Tests.Delivery;

/// <summary>Delivery semantics: formats, app statuses, retries, dead-lettering, unreachable apps, chaos options.</summary>
public class DeliveryTests
{
    private sealed record Order(string Id, int Amount);

    private static string IdOf(Received r) => (string)r.Json["id"]!;

    private static string DataId(JsonNode ce) => (string)ce["data"]!["id"]!;

    [Fact]
    public async Task Single_delivery_is_a_cloud_event_and_success_acknowledges_it()
    {
        await using var env = await PipelineEnv.StartAsync(
            FakeApp.Subscriptions(FakeApp.Subscription("orders", "/orders")),
            respond: _ => (200, """{"status":"SUCCESS"}"""));

        await env.Sidecar.Client.PublishEventAsync(Yaml.PubSub, "orders", new Order("o1", 1));
        await env.Sidecar.WaitDrainedAsync("orders");

        var request = Assert.Single(env.App.To("/orders"));
        Assert.Equal("application/cloudevents+json", request.ContentType);
        Assert.Equal("o1", DataId(request.Json));
        Assert.Equal("orders", (string?)request.Json["topic"]);
        Assert.Equal(1, await env.Sidecar.SubscriptionCounterAsync("orders", "attempts"));
        Assert.Equal(1, await env.Sidecar.CounterAsync("orders", "delivered"));
    }

    [Fact]
    public async Task Bulk_delivery_uses_the_dapr_bulk_envelope_and_per_entry_statuses()
    {
        var dropOnce = new HashSet<string>();
        var omitOnce = new HashSet<string>();
        await using var env = await PipelineEnv.StartAsync(
            FakeApp.Subscriptions(
                FakeApp.Subscription("bulk", "/bulk", deadLetter: "bulk-dlq", bulk: true, maxMessages: 10, maxAwaitMs: 200),
                FakeApp.Subscription("bulk-dlq", "/dlq")),
            respond: r =>
            {
                if (r.Path != "/bulk")
                {
                    return (200, null);
                }

                // First sight: drop "b3", leave "b4" out of the answer (= RETRY), succeed the rest.
                var statuses = new JsonArray();
                foreach (var entry in r.Json["entries"]!.AsArray())
                {
                    var id = DataId(entry!["event"]!);
                    string? status = id switch
                    {
                        "b3" when dropOnce.Add(id) => "DROP",
                        "b4" when omitOnce.Add(id) => null,
                        _ => "SUCCESS",
                    };
                    if (status is not null)
                    {
                        statuses.Add(new JsonObject { ["entryId"] = (string)entry["entryId"]!, ["status"] = status });
                    }
                }

                return (200, new JsonObject { ["statuses"] = statuses }.ToJsonString());
            });

        await env.Sidecar.Client.BulkPublishEventAsync(Yaml.PubSub, "bulk", Enumerable.Range(1, 5).Select(i => new Order($"b{i}", i)).ToList());
        await env.Sidecar.WaitDrainedAsync("bulk");
        await env.Sidecar.WaitDrainedAsync("bulk-dlq");

        var first = env.App.To("/bulk").First();
        Assert.Equal("application/json", first.ContentType?.Split(';')[0]);
        var envelope = first.Json;
        Assert.Equal("com.dapr.event.sent.bulk", (string?)envelope["type"]);
        Assert.Equal("bulk", (string?)envelope["topic"]);
        Assert.Equal(Yaml.PubSub, (string?)envelope["pubsubname"]);
        Assert.False(string.IsNullOrEmpty((string?)envelope["id"]));
        var entries = envelope["entries"]!.AsArray();
        Assert.All(entries, e =>
        {
            Assert.Equal("application/cloudevents+json", (string?)e!["contentType"]);
            Assert.False(string.IsNullOrEmpty((string?)e["entryId"]));
            Assert.Equal("com.dapr.event.sent", (string?)e["event"]!["type"]);
            Assert.NotNull(e["metadata"]);
        });

        // b4 came again (alone or with others) and b3 went to the dead-letter topic unchanged.
        Assert.True(env.App.To("/bulk").SelectMany(r => r.Json["entries"]!.AsArray()).Count(e => DataId(e!["event"]!) == "b4") >= 2);
        var dead = Assert.Single(env.App.To("/dlq"));
        Assert.Equal("b3", DataId(dead.Json));
        Assert.Equal("bulk", (string?)dead.Json["topic"]);
        Assert.Equal(1, await env.Sidecar.CounterAsync("bulk", "deadLettered"));
        Assert.Equal(4, await env.Sidecar.CounterAsync("bulk", "delivered"));
    }

    [Fact]
    public async Task Retry_until_max_retries_then_the_original_event_goes_to_the_dead_letter_topic()
    {
        await using var env = await PipelineEnv.StartAsync(
            FakeApp.Subscriptions(FakeApp.Subscription("poison", "/poison", deadLetter: "poison-dlq"), FakeApp.Subscription("poison-dlq", "/dlq")),
            respond: r => r.Path == "/poison" ? (200, """{"status":"RETRY"}""") : (200, null));

        await env.Sidecar.Client.PublishEventAsync(Yaml.PubSub, "poison", new Order("p1", 1));
        await env.Sidecar.WaitDrainedAsync("poison");
        await env.Sidecar.WaitDrainedAsync("poison-dlq");

        // maxRetries: 2 => one attempt plus two retries.
        Assert.Equal(3, env.App.To("/poison").Count());
        Assert.Equal(3, await env.Sidecar.SubscriptionCounterAsync("poison", "attempts"));
        var original = env.App.To("/poison").First().Json;
        var dead = Assert.Single(env.App.To("/dlq")).Json;
        Assert.Equal((string?)original["id"], (string?)dead["id"]);
        Assert.Equal("poison", (string?)dead["topic"]);
        Assert.Equal("p1", DataId(dead));
    }

    [Fact]
    public async Task Non_2xx_is_retried_and_a_later_success_acknowledges()
    {
        var calls = 0;
        await using var env = await PipelineEnv.StartAsync(
            FakeApp.Subscriptions(FakeApp.Subscription("flaky", "/flaky", deadLetter: "flaky-dlq")),
            respond: _ => Interlocked.Increment(ref calls) == 1 ? (503, null) : (200, null));

        await env.Sidecar.Client.PublishEventAsync(Yaml.PubSub, "flaky", new Order("f1", 1));
        await env.Sidecar.WaitDrainedAsync("flaky");

        Assert.Equal(2, env.App.To("/flaky").Count());
        Assert.Equal(1, await env.Sidecar.CounterAsync("flaky", "delivered"));
        Assert.Equal(0, await env.Sidecar.CounterAsync("flaky", "deadLettered"));
    }

    // A 404 is not a DROP in daprd v1.16: see DaprdFidelityTests.
    [Theory]
    [InlineData(200, """{"status":"DROP"}""")]
    public async Task Drop_sends_the_message_to_the_dead_letter_topic_without_retrying(int status, string? body)
    {
        await using var env = await PipelineEnv.StartAsync(
            FakeApp.Subscriptions(FakeApp.Subscription("drop", "/drop", deadLetter: "drop-dlq"), FakeApp.Subscription("drop-dlq", "/dlq")),
            respond: r => r.Path == "/drop" ? (status, body) : (200, null));

        await env.Sidecar.Client.PublishEventAsync(Yaml.PubSub, "drop", new Order("d1", 1));
        await env.Sidecar.WaitDrainedAsync("drop");
        await env.Sidecar.WaitDrainedAsync("drop-dlq");

        Assert.Single(env.App.To("/drop"));
        Assert.Equal("d1", DataId(Assert.Single(env.App.To("/dlq")).Json));
    }

    [Fact]
    public async Task A_timeout_counts_as_a_failed_attempt()
    {
        var calls = 0;
        await using var env = await PipelineEnv.StartAsync(
            FakeApp.Subscriptions(FakeApp.Subscription("slow", "/slow")),
            resiliency: Yaml.Resiliency(timeout: "300ms"),
            respond: _ =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    Thread.Sleep(1500);
                }

                return (200, null);
            });

        await env.Sidecar.Client.PublishEventAsync(Yaml.PubSub, "slow", new Order("s1", 1));
        await env.Sidecar.WaitDrainedAsync("slow");

        Assert.Equal(2, await env.Sidecar.SubscriptionCounterAsync("slow", "attempts"));
        Assert.Equal(1, await env.Sidecar.SubscriptionCounterAsync("slow", "retried"));
    }

    [Fact]
    public async Task Redeliver_successful_delivers_each_message_extra_times()
    {
        await using var env = await PipelineEnv.StartAsync(
            FakeApp.Subscriptions(FakeApp.Subscription("dup", "/dup")),
            configure: o => o with { RedeliverSuccessful = 2 });

        await env.Sidecar.Client.PublishEventAsync(Yaml.PubSub, "dup", new Order("x1", 1));
        await env.Sidecar.WaitDrainedAsync("dup");

        var copies = env.App.To("/dup").ToList();
        Assert.Equal(3, copies.Count);
        Assert.Single(copies.Select(IdOf).Distinct());
        Assert.Equal(2, await env.Sidecar.SubscriptionCounterAsync("dup", "redelivered"));
    }

    [Fact]
    public async Task Declarative_subscriptions_are_delivered_to_the_scoped_apps_only()
    {
        var resources = Yaml.Subscription("decl", "/decl", scopes: "scopes:\n  - logdapr-aggregator")
            + "\n---\n" + Yaml.Subscription("other", "/other", scopes: "scopes:\n  - some-other-app");
        await using var env = await PipelineEnv.StartAsync("[]", extraResources: resources);

        await env.Sidecar.Client.PublishEventAsync(Yaml.PubSub, "decl", new Order("c1", 1));
        await env.Sidecar.PublishAndExpectRetainedAsync("other");
        await env.Sidecar.WaitDrainedAsync("decl");

        Assert.Equal("c1", DataId(Assert.Single(env.App.To("/decl")).Json));
        Assert.Empty(env.App.To("/other"));
        var sub = await env.Sidecar.SubscriptionAsync("decl");
        Assert.Equal("DECLARATIVE", (string?)sub!["type"]);
    }

    [Fact]
    public async Task Every_subscription_gets_every_message()
    {
        await using var second = await new FakeApp { SubscribeJson = FakeApp.Subscriptions(FakeApp.Subscription("fan", "/fan-b")) }.StartAsync();
        var dir = new TempDir();
        dir.Write("res/pubsub.yaml", Yaml.PubSubComponent());
        await using var first = await new FakeApp { SubscribeJson = FakeApp.Subscriptions(FakeApp.Subscription("fan", "/fan-a")) }.StartAsync();
        await using (var sidecar = await TestSidecar.StartAsync(Path.Combine(dir.Path, "res"), dir.Sub("data"), [first, second]))
        {
            await sidecar.WaitAppReadyAsync("logdapr-aggregator");
            await sidecar.WaitAppReadyAsync("logdapr-aggregator-1");
            for (var i = 0; i < 5; i++)
            {
                await sidecar.Client.PublishEventAsync(Yaml.PubSub, "fan", new Order($"f{i}", i));
            }

            await sidecar.WaitDrainedAsync("fan");
        }

        Assert.Equal(5, first.To("/fan-a").Count());
        Assert.Equal(5, second.To("/fan-b").Count());
        dir.Dispose();
    }
}
