using System.Text.Json.Nodes;
using LogDapr.DevSidecar.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.DevSidecar.Tests.Delivery;

/// <summary>
/// Consumer groups through the real delivery path: apps whose pub/sub metadata resolves to one group compete for a
/// topic's messages, apps in different groups each get all of them, and where a new group starts.
/// </summary>
public class ConsumerGroupTests
{
    private const string First = "logdapr-aggregator";
    private const string Second = "logdapr-aggregator-1";

    private static string DataId(Received r) => (string)r.Json["data"]!["id"]!;

    private static async Task<(List<string> A, List<string> B, JsonObject Topic)> PublishToTwoAppsAsync(string type, string groupMetadata, int count)
    {
        using var dir = new TempDir();
        dir.Write("res/pubsub.yaml", Yaml.PubSubComponent(type: type, extraMetadata: groupMetadata));
        await using var a = await new FakeApp { SubscribeJson = FakeApp.Subscriptions(FakeApp.Subscription("grp", "/a")) }.StartAsync();
        await using var b = await new FakeApp { SubscribeJson = FakeApp.Subscriptions(FakeApp.Subscription("grp", "/b")) }.StartAsync();
        JsonObject topic;
        await using (var sidecar = await TestSidecar.StartAsync(Path.Combine(dir.Path, "res"), dir.Sub("data"), [a, b]))
        {
            await sidecar.WaitAppReadyAsync(First);
            await sidecar.WaitAppReadyAsync(Second);
            await Eventually.TrueAsync(async () => (await sidecar.TopicAsync("grp"))?["subscriptions"]?.AsArray().Count == 2, "both apps subscribed");
            for (var i = 0; i < count; i++)
            {
                await sidecar.Client.PublishEventAsync(Yaml.PubSub, "grp", new { id = $"m{i}" });
            }

            await sidecar.WaitDrainedAsync("grp");
            topic = (await sidecar.TopicAsync("grp"))!;
        }

        return (a.To("/a").Select(DataId).ToList(), b.To("/b").Select(DataId).ToList(), topic);
    }

    private static List<string?> Groups(JsonObject topic) =>
        topic["subscriptions"]!.AsArray().Select(s => (string?)s!["consumerGroup"]).Order(StringComparer.Ordinal).ToList();

    [Theory]
    [InlineData("pubsub.redis", "- name: consumerID\n  value: shared-group")]
    [InlineData("pubsub.kafka", "- name: consumerGroup\n  value: shared-group\n- name: initialOffset\n  value: oldest")]
    [InlineData("pubsub.jetstream", "- name: durableName\n  value: shared-group")]
    public async Task Apps_resolving_to_one_consumer_group_compete_each_message_goes_to_one_of_them(string type, string groupMetadata)
    {
        var (a, b, topic) = await PublishToTwoAppsAsync(type, groupMetadata, 20);

        var all = a.Concat(b).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"m{i}").Order(StringComparer.Ordinal), all);
        Assert.Equal(["shared-group", "shared-group"], Groups(topic));
    }

    [Theory]
    [InlineData("pubsub.redis", "- name: consumerID\n  value: \"{appID}\"")]
    [InlineData("pubsub.redis", "")]
    [InlineData("pubsub.kafka", "- name: consumerGroup\n  value: \"{appID}\"\n- name: initialOffset\n  value: oldest")]
    [InlineData("pubsub.kafka", "- name: initialOffset\n  value: oldest")]
    [InlineData("pubsub.jetstream", "- name: durableName\n  value: \"{appID}\"")]
    public async Task Apps_in_different_consumer_groups_each_get_every_message(string type, string groupMetadata)
    {
        var (a, b, topic) = await PublishToTwoAppsAsync(type, groupMetadata, 10);

        Assert.Equal(10, a.Distinct().Count());
        Assert.Equal(10, b.Distinct().Count());
        Assert.Equal([First, Second], Groups(topic));
    }

    [Fact]
    public async Task Jetstream_without_durable_name_gives_each_subscription_an_ephemeral_consumer_that_gets_every_message()
    {
        var (a, b, topic) = await PublishToTwoAppsAsync("pubsub.jetstream", "- name: queueGroupName\n  value: shared-queue", 10);

        Assert.Equal(10, a.Count);
        Assert.Equal(10, b.Count);
        Assert.Equal([null, null], Groups(topic));
    }

    [Theory]
    [InlineData("pubsub.kafka", "", false)]
    [InlineData("pubsub.kafka", "- name: initialOffset\n  value: newest", false)]
    [InlineData("pubsub.kafka", "- name: initialOffset\n  value: oldest", true)]
    [InlineData("pubsub.jetstream", "- name: deliverPolicy\n  value: new", false)]
    [InlineData("pubsub.jetstream", "", true)]
    [InlineData("pubsub.redis", "", true)]
    public async Task A_new_consumer_group_starts_where_its_broker_starts_one(string type, string metadata, bool getsEarlierMessages)
    {
        using var dir = new TempDir();
        dir.Write("res/pubsub.yaml", Yaml.PubSubComponent(type: type, extraMetadata: metadata));
        // The app is not up yet: the message is published before its group exists.
        var app = new FakeApp { SubscribeJson = FakeApp.Subscriptions(FakeApp.Subscription("late", "/late")) };
        await using (app)
        await using (var sidecar = await TestSidecar.StartAsync(Path.Combine(dir.Path, "res"), dir.Sub("data"), [app]))
        {
            await sidecar.Client.PublishEventAsync(Yaml.PubSub, "late", new { id = "before" });
            await app.StartAsync();
            await sidecar.WaitAppReadyAsync(First);
            await Eventually.TrueAsync(async () => (await sidecar.TopicAsync("late"))?["subscriptions"]?.AsArray().Count == 1, "subscribed");
            await sidecar.Client.PublishEventAsync(Yaml.PubSub, "late", new { id = "after" });
            await sidecar.WaitDrainedAsync("late");

            var received = app.To("/late").Select(DataId).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(getsEarlierMessages ? ["after", "before"] : ["after"], received);
            Assert.Equal(getsEarlierMessages ? 0 : 1, await sidecar.CounterAsync("late", "dropped"));
        }
    }

    [Fact]
    public async Task A_consumer_group_template_that_cannot_be_resolved_keeps_the_app_from_subscribing()
    {
        // {podName} needs POD_NAME, which the test process does not set: daprd fails the component's Init.
        Assert.Null(Environment.GetEnvironmentVariable("POD_NAME"));
        await using var env = await PipelineEnv.StartAsync(
            FakeApp.Subscriptions(FakeApp.Subscription("pods", "/pods")),
            pubsub: Yaml.PubSubComponent(extraMetadata: "- name: consumerID\n  value: \"{podName}\""));

        await env.Sidecar.Client.PublishEventAsync(Yaml.PubSub, "pods", new { id = "p1" });

        var topic = await env.Sidecar.TopicAsync("pods");
        Assert.Empty(topic!["subscriptions"]!.AsArray());
        Assert.Equal(1, (int)topic["pending"]!);
        Assert.Empty(env.App.To("/pods"));
    }
}
