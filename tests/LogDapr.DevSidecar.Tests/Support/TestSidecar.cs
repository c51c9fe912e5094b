using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapr.Client;
using LogDapr.DevSidecar.Cli;
using LogDapr.DevSidecar.Hosting;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.Tests.Support;

/// <summary>An in-process sidecar plus a real Dapr SDK client pointed at it.</summary>
public sealed class TestSidecar : IAsyncDisposable
{
    private TestSidecar(SidecarHost host, string? apiToken)
    {
        Host = host;
        var builder = new DaprClientBuilder().UseGrpcEndpoint(host.GrpcEndpoint).UseHttpEndpoint(host.HttpEndpoint);
        if (apiToken is not null)
        {
            builder.UseDaprApiToken(apiToken);
        }

        Client = builder.Build();
        Http = new HttpClient { BaseAddress = new Uri(host.HttpEndpoint) };
    }

    public SidecarHost Host { get; }
    public DaprClient Client { get; }
    public HttpClient Http { get; }

    /// <summary>An SDK client on the API pair of <paramref name="appId"/> (each app id has its own ports).</summary>
    public DaprClient ClientFor(string appId)
    {
        var listener = Host.Listener(appId);
        var builder = new DaprClientBuilder()
            .UseGrpcEndpoint($"http://{Host.Runtime.Options.ListenAddress}:{listener.GrpcPort}")
            .UseHttpEndpoint($"http://{Host.Runtime.Options.ListenAddress}:{listener.HttpPort}");
        if (Host.Runtime.Options.ApiToken is { } token)
        {
            builder.UseDaprApiToken(token);
        }

        return builder.Build();
    }

    public HttpClient HttpFor(string appId) =>
        new() { BaseAddress = new Uri($"http://{Host.Runtime.Options.ListenAddress}:{Host.Listener(appId).HttpPort}") };

    public static async Task<TestSidecar> StartAsync(string resourcesDir, string dataDir, IEnumerable<FakeApp>? apps = null, Func<SidecarOptions, SidecarOptions>? configure = null, string appId = "logdapr-aggregator")
    {
        var options = new SidecarOptions
        {
            ResourcesPaths = [resourcesDir],
            HttpPort = 0,
            GrpcPort = 0,
            DataDir = dataDir,
            LogLevel = LogLevel.Warning,
            AppProbeInterval = TimeSpan.FromMilliseconds(100),
            Apps = (apps ?? []).Select((a, i) => new AppTarget(i == 0 ? appId : $"{appId}-{i}", new Uri(a.BaseUrl + "/"))).ToList(),
        };
        options = configure?.Invoke(options) ?? options;
        var host = await SidecarHost.StartAsync(options);
        return new TestSidecar(host, options.ApiToken);
    }

    /// <summary>
    /// Starts a sidecar from a daprd-style command line plus an environment, as the process would be started
    /// (flags the test adds are parsed by the real parser; unknown flags fail the test).
    /// </summary>
    public static async Task<TestSidecar> StartWithArgsAsync(string resourcesDir, string dataDir, IReadOnlyList<FakeApp> apps, IReadOnlyList<string> flags, IReadOnlyDictionary<string, string>? environment = null)
    {
        var args = new List<string> { "--resources-path", resourcesDir, "--data-dir", dataDir, "--dapr-http-port", "0", "--dapr-grpc-port", "0", "--log-level", "warn" };
        for (var i = 0; i < apps.Count; i++)
        {
            args.AddRange(["--app", $"{(i == 0 ? "logdapr-aggregator" : $"logdapr-aggregator-{i}")}={apps[i].BaseUrl}"]);
        }

        args.AddRange(flags);
        var parsed = CommandLine.Parse(args, name => environment?.GetValueOrDefault(name));
        Assert.True(parsed.Options is not null, string.Join("; ", parsed.Errors));
        var host = await SidecarHost.StartAsync(parsed.Options! with { AppProbeInterval = TimeSpan.FromMilliseconds(100) });
        return new TestSidecar(host, parsed.Options!.ApiToken);
    }

    public async Task<JsonObject> TopicsAsync() => (await Http.GetFromJsonAsync<JsonObject>("/v1.0-dev/topics"))!;

    public async Task<JsonObject?> TopicAsync(string topic, string pubsub = Yaml.PubSub)
    {
        var all = await TopicsAsync();
        return all["topics"]!.AsArray().Select(t => t!.AsObject())
            .FirstOrDefault(t => (string?)t["topic"] == topic && (string?)t["pubsubname"] == pubsub);
    }

    public async Task<JsonObject?> SubscriptionAsync(string topic, string pubsub = Yaml.PubSub) =>
        (await TopicAsync(topic, pubsub))?["subscriptions"]?.AsArray().FirstOrDefault()?.AsObject();

    public async Task<long> CounterAsync(string topic, string field, string pubsub = Yaml.PubSub) =>
        (long?)(await TopicAsync(topic, pubsub))?[field] ?? 0;

    public async Task<long> SubscriptionCounterAsync(string topic, string field, string pubsub = Yaml.PubSub) =>
        (long?)(await SubscriptionAsync(topic, pubsub))?[field] ?? 0;

    /// <summary>Waits until the topic has no unacknowledged messages and none being published.</summary>
    public Task WaitDrainedAsync(string topic) =>
        Eventually.TrueAsync(async () => await TopicAsync(topic) is { } t && (int)t["pending"]! == 0 && (int)t["publishing"]! == 0, $"topic {topic} drained");

    public Task WaitAppReadyAsync(string appId = "logdapr-aggregator") =>
        Eventually.TrueAsync(
            async () =>
            {
                var apps = await Http.GetFromJsonAsync<JsonObject>("/v1.0-dev/apps");
                return apps!["apps"]!.AsArray().Any(a => (string?)a!["appId"] == appId && (string?)a["state"] == "READY");
            },
            $"app {appId} ready");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Http.Dispose();
        await Host.DisposeAsync();
    }
}

public static class TestSidecarExtensions
{
    /// <summary>Publishes to a topic without a served subscriber and checks the message is retained, not lost.</summary>
    public static async Task PublishAndExpectRetainedAsync(this TestSidecar sidecar, string topic)
    {
        await sidecar.Client.PublishEventAsync(Yaml.PubSub, topic, new { retained = true });
        Assert.Equal(1, await sidecar.CounterAsync(topic, "pending"));
    }
}
