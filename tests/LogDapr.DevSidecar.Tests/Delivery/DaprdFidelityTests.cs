using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogDapr.DevSidecar.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.DevSidecar.Tests.Delivery;

/// <summary>
/// Delivery behaviours where daprd v1.16 is stricter (or stranger) than Dapr's documentation suggests; each test pins
/// one row of the fidelity table in tools/dev-sidecar/README.md ("Pub/sub delivery").
/// </summary>
public class DaprdFidelityTests
{
    private sealed record Order(string Id, int Amount);

    private static string DataId(JsonNode ce) => (string)ce["data"]!["id"]!;

    private static IEnumerable<JsonNode> Entries(FakeApp app, string path) =>
        app.To(path).SelectMany(r => r.Json["entries"]!.AsArray()).Select(e => e!);

    // ---- 404 from the app (daprd v1.16 pkg/runtime/subscription/postman/http/http.go) ----

    [Fact]
    public async Task A_404_on_a_single_delivery_is_acknowledged_and_dropped_without_a_dead_letter()
    {
        await using var env = await PipelineEnv.StartAsync(
            FakeApp.Subscriptions(FakeApp.Subscription("gone", "/gone", deadLetter: "gone-dlq"), FakeApp.Subscription("gone-dlq", "/dlq")),
            respond: r => r.Path == "/gone" ? (404, null) : (200, null));

        await env.Sidecar.Client.PublishEventAsync(Yaml.PubSub, "gone", new Order("n1", 1));
        await env.Sidecar.WaitDrainedAsync("gone");

        Assert.Single(env.App.To("/gone"));
        Assert.Empty(env.App.To("/dlq"));
        Assert.Equal(0, await env.Sidecar.CounterAsync("gone", "deadLettered"));
        Assert.Equal(1, await env.Sidecar.CounterAsync("gone", "dropped"));
        Assert.Null(await env.Sidecar.TopicAsync("gone-dlq") is { } dlq && (long)dlq["published"]! > 0 ? dlq : null);
    }

    [Fact]
    public async Task A_404_on_a_bulk_delivery_marks_every_entry_successful_and_dead_letters_nothing()
    {
        await using var env = await PipelineEnv.StartAsync(
            FakeApp.Subscriptions(
                FakeApp.Subscription("gone", "/gone", deadLetter: "gone-dlq", bulk: true, maxMessages: 10, maxAwaitMs: 50),
                FakeApp.Subscription("gone-dlq", "/dlq")),
            respond: r => r.Path == "/gone" ? (404, null) : (200, null));

        await env.Sidecar.Client.BulkPublishEventAsync(Yaml.PubSub, "gone", Enumerable.Range(1, 3).Select(i => new Order($"g{i}", i)).ToList());
        await env.Sidecar.WaitDrainedAsync("gone");

        Assert.Equal(3, Entries(env.App, "/gone").Count());
        Assert.Empty(env.App.To("/dlq"));
        Assert.Equal(0, await env.Sidecar.CounterAsync("gone", "deadLettered"));
        Assert.Equal(3, await env.Sidecar.CounterAsync("gone", "dropped"));
    }

    // ---- DROP in a bulk delivery: dead-lettered best effort (bulksubscription.go / postman/http DeliverBulk) ----

    [Fact]
    public async Task A_bulk_entry_answered_drop_is_acknowledged_even_when_the_dead_letter_publish_fails()
    {
        // maxPendingPerTopic 2 and two messages already waiting on the dead-letter topic: its publish must fail.
        await using var env = await PipelineEnv.StartAsync(
            FakeApp.Subscriptions(FakeApp.Subscription("bulk", "/bulk", deadLetter: "bulk-dlq", bulk: true, maxMessages: 10, maxAwaitMs: 50)),
            pubsub: Yaml.PubSubComponent(extraMetadata: "- name: maxPendingPerTopic\n  value: \"2\""),
            respond: r => (200, new JsonObject
            {
                ["statuses"] = new JsonArray(r.Json["entries"]!.AsArray().Select(e => (JsonNode)new JsonObject { ["entryId"] = (string)e!["entryId"]!, ["status"] = "DROP" }).ToArray()),
            }.ToJsonString()));
        await env.Sidecar.PublishAndExpectRetainedAsync("bulk-dlq");
        await env.Sidecar.Client.PublishEventAsync(Yaml.PubSub, "bulk-dlq", new { retained = 2 });

        await env.Sidecar.Client.PublishEventAsync(Yaml.PubSub, "bulk", new Order("d1", 1));
        await env.Sidecar.WaitDrainedAsync("bulk");

        Assert.Single(env.App.To("/bulk"));
        Assert.Equal(2, await env.Sidecar.CounterAsync("bulk-dlq", "pending"));
        Assert.Equal(1, await env.Sidecar.CounterAsync("bulk", "dropped"));
    }

    // ---- Unreachable app, retries exhausted, app health checks ----

    [Fact]
    public async Task Without_app_health_checks_an_unreachable_app_uses_up_the_delivery_attempts_then_dead_letters()
    {
        await using var env = await PipelineEnv.StartAsync(
            FakeApp.Subscriptions(FakeApp.Subscription("logs", "/logs", deadLetter: "logs-dlq")),
            resiliency: Yaml.Resiliency(duration: "10ms", maxRetries: 2));
        await env.App.StopAsync();

        await env.Sidecar.Client.PublishEventAsync(Yaml.PubSub, "logs", new Order("u1", 1));
        await Eventually.TrueAsync(async () => await env.Sidecar.CounterAsync("logs", "deadLettered") == 1, "the message to be dead-lettered", TimeSpan.FromSeconds(10));

        Assert.Equal(3, await env.Sidecar.SubscriptionCounterAsync("logs", "attempts"));
        Assert.Equal(3, await env.Sidecar.SubscriptionCounterAsync("logs", "appUnavailable"));
        Assert.Equal(1, await env.Sidecar.CounterAsync("logs-dlq", "pending"));
    }

    [Fact]
    public async Task Retries_exhausted_without_a_dead_letter_topic_hand_the_message_back_to_the_broker_which_redelivers_it()
    {
        var calls = 0;
        await using var env = await PipelineEnv.StartAsync(
            FakeApp.Subscriptions(FakeApp.Subscription("logs", "/logs")),
            resiliency: Yaml.Resiliency(duration: "10ms", maxRetries: 0),
            pubsub: Yaml.PubSubComponent(extraMetadata: "- name: processingTimeout\n  value: \"200\"\n- name: redeliverInterval\n  value: \"100\""),
            respond: _ => Interlocked.Increment(ref calls) <= 2 ? (500, null) : (200, null));

        await env.Sidecar.Client.PublishEventAsync(Yaml.PubSub, "logs", new Order("h1", 1));
        await env.Sidecar.WaitDrainedAsync("logs");

        Assert.Equal(3, env.App.To("/logs").Count());
        Assert.Equal(1, await env.Sidecar.CounterAsync("logs", "delivered"));
        Assert.Equal(0, await env.Sidecar.CounterAsync("logs", "dropped"));
        Assert.Equal(2, await env.Sidecar.SubscriptionCounterAsync("logs", "handedBack"));
    }

    [Fact]
    public async Task With_app_health_checks_subscriptions_wait_for_a_healthy_probe_and_pause_while_it_fails()
    {
        var dir = new TempDir();
        dir.Write("res/pubsub.yaml", Yaml.PubSubComponent());
        dir.Write("res/resiliency.yaml", Yaml.Resiliency(duration: "10ms", maxRetries: 0));
        await using var app = await new FakeApp { SubscribeJson = FakeApp.Subscriptions(FakeApp.Subscription("logs", "/logs", deadLetter: "logs-dlq")), HealthStatus = 503 }.StartAsync();
        await using var sidecar = await TestSidecar.StartWithArgsAsync(
            Path.Combine(dir.Path, "res"), dir.Sub("data"), [app],
            ["--enable-app-health-check", "--app-health-probe-interval", "1", "--app-health-threshold", "1"]);

        await sidecar.Client.PublishEventAsync(Yaml.PubSub, "logs", new Order("p1", 1));
        await Task.Delay(1500); // probes fail meanwhile: nothing may be delivered or counted
        Assert.Empty(app.To("/logs"));
        Assert.Equal(1, await sidecar.CounterAsync("logs", "pending"));

        app.HealthStatus = 200;
        await sidecar.WaitDrainedAsync("logs");
        Assert.Single(app.To("/logs"));

        app.HealthStatus = 503;
        await Eventually.TrueAsync(async () => await AppStateAsync(sidecar) == "UNHEALTHY", "the app to be seen unhealthy");
        await sidecar.Client.PublishEventAsync(Yaml.PubSub, "logs", new Order("p2", 2));
        await Task.Delay(1500);
        Assert.Single(app.To("/logs"));
        Assert.Equal(1, await sidecar.SubscriptionCounterAsync("logs", "attempts"));
        Assert.Equal(0, await sidecar.CounterAsync("logs", "deadLettered"));

        app.HealthStatus = 200;
        await sidecar.WaitDrainedAsync("logs");
        Assert.Equal(["p1", "p2"], app.To("/logs").Select(r => DataId(r.Json)));
        Assert.Equal(0, await sidecar.CounterAsync("logs", "deadLettered"));
        dir.Dispose();
    }

    private static async Task<string?> AppStateAsync(TestSidecar sidecar)
    {
        var apps = await sidecar.Http.GetFromJsonAsync<JsonObject>("/v1.0-dev/apps");
        return (string?)apps!["apps"]![0]!["state"];
    }

    // ---- App token (daprd v1.16 pkg/channel/http/http_channel.go) ----

    [Fact]
    public async Task App_api_token_from_the_environment_is_sent_on_discovery_and_deliveries_but_not_on_health_probes()
    {
        await using var env = await PipelineEnv.StartAsync(
            FakeApp.Subscriptions(FakeApp.Subscription("logs", "/logs"), FakeApp.Subscription("bulk", "/bulk", bulk: true)),
            respond: FakeApp.Succeed,
            flags: ["--enable-app-health-check", "--app-health-probe-interval", "1"],
            environment: new Dictionary<string, string> { ["APP_API_TOKEN"] = "app-s3cret" });

        await env.Sidecar.Client.PublishEventAsync(Yaml.PubSub, "logs", new Order("t1", 1));
        await env.Sidecar.Client.PublishEventAsync(Yaml.PubSub, "bulk", new Order("t2", 2));
        await env.Sidecar.WaitDrainedAsync("logs");
        await env.Sidecar.WaitDrainedAsync("bulk");

        Assert.NotEmpty(env.App.SubscribeTokens);
        Assert.All(env.App.SubscribeTokens, t => Assert.Equal("app-s3cret", t));
        Assert.All(env.App.Requests, r => Assert.Equal("app-s3cret", r.ApiToken));
        Assert.NotEmpty(env.App.HealthProbeTokens);
        Assert.All(env.App.HealthProbeTokens, Assert.Null);
    }

    // ---- App channel over TLS (v1.16.0 pkg/runtime/channels/channels.go appHTTPClient: InsecureSkipVerify, TLS 1.2+) ----

    [Fact]
    public async Task With_app_protocol_https_deliveries_reach_an_https_app_whose_certificate_is_not_trusted_and_keep_the_app_token()
    {
        var dir = new TempDir();
        dir.Write("res/pubsub.yaml", Yaml.PubSubComponent());
        // A certificate from a CA nobody trusts, for "localhost" while the sidecar calls 127.0.0.1: daprd verifies neither.
        using var tls = new TestTls();
        await using var app = await new FakeApp
        {
            SubscribeJson = FakeApp.Subscriptions(FakeApp.Subscription("logs", "/logs")),
            Certificate = tls.Files.Server,
        }.StartAsync();
        await using var sidecar = await TestSidecar.StartWithArgsAsync(Path.Combine(dir.Path, "res"), dir.Sub("data"), [app],
            ["--app-protocol", "https"], new Dictionary<string, string> { ["APP_API_TOKEN"] = "app-s3cret" });

        await sidecar.Client.PublishEventAsync(Yaml.PubSub, "logs", new Order("s1", 1));
        await sidecar.WaitDrainedAsync("logs");

        Assert.Equal(["s1"], app.To("/logs").Select(r => DataId(r.Json)));
        Assert.All(app.Requests, r => Assert.Equal("app-s3cret", r.ApiToken));
        dir.Dispose();
    }

    // ---- Bulk entries re-encoded by Go (bulksubscription.go: json.Unmarshal into map, postman json.Marshal) ----

    private const string NumbersEvent = """
        {"specversion":"1.0","id":"go-1","source":"tests","type":"t","datacontenttype":"application/json",
         "data":{"z":1,"amount":1.50,"big":12345678901234567891,"tiny":0.0000001,"huge":1e21,"html":"<a href=\"x\">&</a>","ls":"\u2028"}}
        """;

    private const string GoEncodedData = """
        "data":{"amount":1.5,"big":12345678901234567000,"html":"\u003ca href=\"x\"\u003e\u0026\u003c/a\u003e","huge":1e+21,"ls":"\u2028","tiny":1e-7,"z":1}
        """;

    [Fact]
    public async Task Bulk_entries_are_re_encoded_the_way_go_encodes_a_map_and_single_deliveries_keep_the_stored_bytes()
    {
        await using var env = await PipelineEnv.StartAsync(
            FakeApp.Subscriptions(FakeApp.Subscription("bulk", "/bulk", bulk: true, maxAwaitMs: 50), FakeApp.Subscription("single", "/single")),
            respond: FakeApp.Succeed);

        foreach (var topic in new[] { "bulk", "single" })
        {
            using var content = new StringContent(NumbersEvent, Encoding.UTF8, "application/cloudevents+json");
            using var response = await env.Sidecar.Http.PostAsync($"/v1.0/publish/{Yaml.PubSub}/{topic}", content);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        await env.Sidecar.WaitDrainedAsync("bulk");
        await env.Sidecar.WaitDrainedAsync("single");

        using var envelope = JsonDocument.Parse(Assert.Single(env.App.To("/bulk")).Body);
        var eventText = envelope.RootElement.GetProperty("entries")[0].GetProperty("event").GetRawText();
        Assert.Contains(GoEncodedData, eventText, StringComparison.Ordinal);
        var keys = envelope.RootElement.GetProperty("entries")[0].GetProperty("event").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);

        var single = Assert.Single(env.App.To("/single")).Body;
        Assert.Contains("\"amount\":1.50", single, StringComparison.Ordinal);
        Assert.Contains("12345678901234567891", single, StringComparison.Ordinal);
    }

    // ---- Bulk subscribe per broker (DefaultBulkSubscriber vs Kafka's native bulk) ----

    [Theory]
    [InlineData("pubsub.redis", "- name: concurrency\n  value: \"3\"", 3)]
    [InlineData("pubsub.redis", "", 10)]
    [InlineData("pubsub.jetstream", "", 1)]
    [InlineData("pubsub.jetstream", "- name: concurrencyMode\n  value: parallel\n- name: maxAckPending\n  value: \"4\"", 4)]
    [InlineData("pubsub.kafka", "", 20)]
    public async Task Emulated_bulk_batches_hold_at_most_what_the_component_has_in_flight_and_kafka_batches_natively(string type, string metadata, int largestBatch)
    {
        await using var env = await PipelineEnv.StartAsync(
            "[]",
            pubsub: Yaml.PubSubComponent(type: type, extraMetadata: metadata),
            respond: FakeApp.BulkSuccess,
            extraResources: Yaml.Subscription("many", "/many", bulk: true, maxMessages: 20, maxAwaitMs: 100));

        await env.Sidecar.Client.BulkPublishEventAsync(Yaml.PubSub, "many", Enumerable.Range(0, 40).Select(i => new Order($"m{i}", i)).ToList());
        await env.Sidecar.WaitDrainedAsync("many");

        var sizes = env.App.To("/many").Select(r => r.Json["entries"]!.AsArray().Count).ToList();
        Assert.Equal(40, sizes.Sum());
        Assert.Equal(largestBatch, sizes.Max());
    }

    // ---- Redis maxLenApprox (XADD MAXLEN ~) trims entries nobody consumed ----

    [Fact]
    public async Task Redis_max_len_approx_trims_unconsumed_entries_and_the_sidecar_counts_the_loss()
    {
        var dir = new TempDir();
        dir.Write("res/pubsub.yaml", Yaml.PubSubComponent(extraMetadata: "- name: maxLenApprox\n  value: \"50\""));
        await using var app = await new FakeApp { SubscribeJson = FakeApp.Subscriptions(FakeApp.Subscription("logs", "/logs")), HealthStatus = 503 }.StartAsync();
        await using var sidecar = await TestSidecar.StartWithArgsAsync(
            Path.Combine(dir.Path, "res"), dir.Sub("data"), [app],
            ["--enable-app-health-check", "--app-health-probe-interval", "1", "--app-health-threshold", "1"]);

        // Discovery happens once the app is healthy; let it subscribe, then pause it.
        app.HealthStatus = 200;
        await sidecar.WaitAppReadyAsync();
        app.HealthStatus = 503;
        await Eventually.TrueAsync(async () => await AppStateAsync(sidecar) == "UNHEALTHY", "the app to be seen unhealthy");

        for (var i = 0; i < 300; i++)
        {
            await sidecar.Client.PublishEventAsync(Yaml.PubSub, "logs", new Order($"x{i}", i));
        }

        var trimmed = await sidecar.CounterAsync("logs", "trimmed");
        Assert.InRange(trimmed, 200, 250); // Redis keeps at least maxLenApprox entries, trimming whole nodes
        Assert.Equal(300 - trimmed, await sidecar.CounterAsync("logs", "pending"));

        app.HealthStatus = 200;
        await sidecar.WaitDrainedAsync("logs");
        Assert.Equal(300 - trimmed, app.To("/logs").Count());
        // The newest entries survive; the oldest were lost without any delivery or dead letter.
        Assert.Contains(app.To("/logs"), r => DataId(r.Json) == "x299");
        Assert.DoesNotContain(app.To("/logs"), r => DataId(r.Json) == "x0");
        dir.Dispose();
    }
}
