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
/// as the pipeline names it) and the Postgres binding on the test's database. A real Dapr client talks to it over gRPC.
/// </summary>
internal sealed class EnrichmentSidecar : IAsyncDisposable
{
    private readonly SidecarHost host;

    private EnrichmentSidecar(SidecarHost host)
    {
        this.host = host;
        Client = new DaprClientBuilder().UseGrpcEndpoint(host.GrpcEndpoint).UseHttpEndpoint(host.HttpEndpoint).Build();
    }

    public DaprClient Client { get; }

    public int GrpcPort => host.GrpcPort;

    public int HttpPort => host.HttpPort;

    public static async Task<EnrichmentSidecar> StartAsync(string npgsqlConnectionString)
    {
        var resources = Directory.CreateTempSubdirectory("logdapr-enrich-components-").FullName;
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
            DataDir = Directory.CreateTempSubdirectory("logdapr-enrich-data-").FullName,
            LogLevel = LogLevel.Warning,
        });
        return new EnrichmentSidecar(host);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await host.DisposeAsync();
    }
}
