using LogDapr.DevSidecar.Cli;

namespace LogDapr.DevSidecar.Tests.Support;

/// <summary>A sidecar with the test pub/sub, a resiliency policy and one fake app, torn down together.</summary>
public sealed class PipelineEnv : IAsyncDisposable
{
    private PipelineEnv(TempDir dir, FakeApp app)
    {
        Dir = dir;
        App = app;
    }

    public TempDir Dir { get; }
    public FakeApp App { get; }
    public TestSidecar Sidecar { get; private set; } = null!;
    public string ResourcesDir => Path.Combine(Dir.Path, "res");
    public string DataDir => Path.Combine(Dir.Path, "data");

    public static async Task<PipelineEnv> StartAsync(
        string subscribeJson,
        Func<Received, (int, string?)>? respond = null,
        string? resiliency = null,
        string extraResources = "",
        Func<SidecarOptions, SidecarOptions>? configure = null,
        string? pubsub = null,
        IReadOnlyList<string>? flags = null,
        IReadOnlyDictionary<string, string>? environment = null,
        bool waitForApp = true)
    {
        var dir = new TempDir();
        dir.Write("res/pubsub.yaml", pubsub ?? Yaml.PubSubComponent());
        dir.Write("res/resiliency.yaml", resiliency ?? Yaml.Resiliency());
        if (extraResources.Length > 0)
        {
            dir.Write("res/extra.yaml", extraResources);
        }

        var app = new FakeApp { SubscribeJson = subscribeJson };
        if (respond is not null)
        {
            app.Respond = respond;
        }

        await app.StartAsync();
        var env = new PipelineEnv(dir, app);
        env.Sidecar = flags is null && environment is null
            ? await TestSidecar.StartAsync(env.ResourcesDir, env.DataDir, [app], configure)
            : await TestSidecar.StartWithArgsAsync(env.ResourcesDir, env.DataDir, [app], flags ?? [], environment);
        if (waitForApp)
        {
            await env.Sidecar.WaitAppReadyAsync();
        }

        return env;
    }

    /// <summary>Stops the sidecar (graceful) and starts a new one on the same journal.</summary>
    public async Task RestartSidecarAsync(Func<SidecarOptions, SidecarOptions>? configure = null)
    {
        await Sidecar.DisposeAsync();
        Sidecar = await TestSidecar.StartAsync(ResourcesDir, DataDir, [App], configure);
    }

    public async ValueTask DisposeAsync()
    {
        await Sidecar.DisposeAsync();
        await App.DisposeAsync();
        Dir.Dispose();
    }
}
