extern alias DevSidecar;

using Dapr.Client;
using DevSidecar::LogDapr.DevSidecar.Cli;
using DevSidecar::LogDapr.DevSidecar.Hosting;
using LogDapr.Configuration.Pipeline;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging;

namespace LogDapr.Aggregator.Tests.Enrichment;

/// <summary>
/// The development sidecar in process with what enrichment uses: the pipeline's state store (state.in-memory, named
/// as the pipeline names it, keys prefixed with the app id as daprd's default), a shared one (<see cref="SharedStore"/>,
/// <c>keyPrefix: name</c>) and the Postgres binding on the test's database. The counter's app id has the main API
/// pair (<see cref="Client"/>); the processor's its own (<see cref="ProcessorClient"/>), so keys are prefixed as in a cluster.
/// </summary>
internal sealed class EnrichmentSidecar : IAsyncDisposable
{
    public const string SharedStore = "logdapr-enrichment";
    public const string ProcessorAppId = "logdapr-processor";

    private readonly SidecarHost host;

    private EnrichmentSidecar(SidecarHost host)
    {
        this.host = host;
        Client = new DaprClientBuilder().UseGrpcEndpoint(host.GrpcEndpoint).UseHttpEndpoint(host.HttpEndpoint).Build();
        var processor = host.Listener(ProcessorAppId);
        ProcessorClient = new DaprClientBuilder()
            .UseGrpcEndpoint(ProcessorGrpcEndpoint).UseHttpEndpoint($"http://127.0.0.1:{processor.HttpPort}").Build();
    }

    /// <summary>The counter's (app id logdapr-aggregator).</summary>
    public DaprClient Client { get; }

    /// <summary>The processor's (app id logdapr-processor).</summary>
    public DaprClient ProcessorClient { get; }

    public int GrpcPort => host.GrpcPort;

    public string GrpcEndpoint => host.GrpcEndpoint;

    public string ProcessorGrpcEndpoint => $"http://127.0.0.1:{host.Listener(ProcessorAppId).GrpcPort}";

    public int HttpPort => host.HttpPort;

    /// <summary>The development sidecar's drill switch: the store's backend unreachable (every operation fails as daprd's component fails it), or back.</summary>
    public async Task SetOutageAsync(string store, bool unreachable)
    {
        using var http = new HttpClient { BaseAddress = new Uri(host.HttpEndpoint) };
        var uri = $"/v1.0-dev/state/{store}/outage";
        using var response = unreachable ? await http.PutAsync(uri, null) : await http.DeleteAsync(uri);
        response.EnsureSuccessStatusCode();
    }

    public static async Task<EnrichmentSidecar> StartAsync(string npgsqlConnectionString)
    {
        var resources = ScratchDirectory.CreateUntilExit("logdapr-enrich-components");
        await File.WriteAllTextAsync(Path.Combine(resources, "components.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: {PipelineDefaults.StateStoreComponent}
            spec:
              type: state.in-memory
              version: v1
              metadata: []
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: {SharedStore}
            spec:
              type: state.in-memory
              version: v1
              metadata:
                - name: keyPrefix
                  value: name
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: {PipelineDefaults.PostgresBindingComponent}
            spec:
              type: bindings.postgresql
              version: v1
              metadata:
                - name: connectionString
                  value: "{PostgresFixture.ForDapr(npgsqlConnectionString)}"
            """);
        var host = await SidecarHost.StartAsync(new SidecarOptions
        {
            ResourcesPaths = [resources],
            HttpPort = 0,
            GrpcPort = 0,
            AppId = PipelineDefaults.AggregatorAppId,
            ClientApps = [ProcessorAppId],
            DataDir = ScratchDirectory.CreateUntilExit("logdapr-enrich-data"),
            LogLevel = LogLevel.Warning,
        });
        return new EnrichmentSidecar(host);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        ProcessorClient.Dispose();
        await host.DisposeAsync();
    }
}
