using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapr.Client;
using LogDapr.DevSidecar.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.DevSidecar.Tests.Delivery;

/// <summary>Acknowledged publishes survive sidecar restarts and kills; pending deliveries resume from the journal.</summary>
public class RestartTests
{
    private sealed record Order(string Id, int Amount);

    private static string DataId(Received r) => (string)r.Json["data"]!["id"]!;

    [Fact]
    public async Task Stopping_and_starting_the_host_resumes_pending_deliveries()
    {
        await using var env = await PipelineEnv.StartAsync(FakeApp.Subscriptions(FakeApp.Subscription("logs", "/logs", bulk: true)));
        await env.App.StopAsync();
        for (var i = 0; i < 5; i++)
        {
            await env.Sidecar.Client.PublishEventAsync(Yaml.PubSub, "logs", new Order($"r{i}", i));
        }

        await env.RestartSidecarAsync();
        Assert.Equal(5, await env.Sidecar.CounterAsync("logs", "pending"));

        await env.App.StartAsync();
        await env.Sidecar.WaitDrainedAsync("logs");
        var received = env.App.To("/logs").SelectMany(r => r.Json["entries"]!.AsArray()).Select(e => (string)e!["event"]!["data"]!["id"]!).ToHashSet();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"r{i}").ToHashSet(), received);
    }

    [Fact]
    public async Task Killing_the_process_loses_no_acknowledged_publish()
    {
        using var dir = new TempDir();
        dir.Write("res/pubsub.yaml", Yaml.PubSubComponent());
        var app = new FakeApp { SubscribeJson = FakeApp.Subscriptions(FakeApp.Subscription("logs", "/logs")) };
        string[] Args() =>
        [
            "--resources-path", Path.Combine(dir.Path, "res"), "--data-dir", Path.Combine(dir.Path, "data"),
            "--app", $"logdapr-aggregator={app.BaseUrl}", "--dapr-http-port", "0", "--dapr-grpc-port", "0",
            "--app-probe-interval", "100ms", "--log-level", "warn",
        ];

        const int Count = 50;
        await using (var first = await SidecarProcess.StartAsync(Args()))
        {
            using var dapr = new DaprClientBuilder().UseGrpcEndpoint($"http://127.0.0.1:{first.GrpcPort}").Build();
            await Task.WhenAll(Enumerable.Range(0, Count).Select(i => dapr.PublishEventAsync(Yaml.PubSub, "logs", new Order($"k{i}", i))));
            await first.KillAsync();
        }

        await using var second = await SidecarProcess.StartAsync(Args());
        await app.StartAsync();
        await using (app)
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{second.HttpPort}") };
            await Eventually.TrueAsync(
                async () =>
                {
                    var topics = await http.GetFromJsonAsync<JsonObject>("/v1.0-dev/topics");
                    return topics!["topics"]!.AsArray().Any(t => (string?)t!["topic"] == "logs" && (int)t["pending"]! == 0);
                },
                "all messages delivered after the restart");
            Assert.Equal(Enumerable.Range(0, Count).Select(i => $"k{i}").ToHashSet(), app.To("/logs").Select(DataId).ToHashSet());
            Assert.Equal(0, await second.TerminateAsync());
        }
    }
}
