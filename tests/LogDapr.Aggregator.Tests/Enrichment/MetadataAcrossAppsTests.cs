using System.Net;
using System.Text;
using LogDapr.Aggregator.Enrichment;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Enrichment;
using LogDapr.Configuration.Pipeline;
using LogDapr.Processing.Enrichment;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LogDapr.Aggregator.Tests.Enrichment;

/// <summary>
/// The counter writes the state store under its app id, the processor reads it under its own: with a store of
/// <c>keyPrefix: name</c> (Enrichment:StateStoreName) the processor is served what the API wrote.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MetadataAcrossAppsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly MetadataKey Web1 = new(MetadataKind.Host, "web-1");

    private MetadataApiHost host = null!;

    public async Task InitializeAsync()
        => host = await MetadataApiHost.StartAsync(postgres, new Dictionary<string, string?> { ["Enrichment:StateStoreName"] = EnrichmentSidecar.SharedStore });

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_processor_is_served_from_the_state_store_what_the_counter_wrote_through_the_API()
    {
        using var admin = host.Client(host.Admin);
        using (var put = await admin.PutAsync("/v1/metadata/host/web-1", new StringContent("""{"attributes":{"region":"us"}}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        // Postgres changed around the API: only the state store still says "us".
        await using var dataSource = NpgsqlDataSource.Create(host.ConnectionString);
        await using (var update = dataSource.CreateCommand("UPDATE logdapr.enrichment_metadata SET attributes = '{\"region\":\"sql\"}'"))
        {
            await update.ExecuteNonQueryAsync();
        }

        using var store = new MetadataStateStore(EnrichmentSidecar.SharedStore, host.Sidecar.ProcessorGrpcEndpoint, apiToken: null);
        var lookup = new TieredMetadataLookup(
            store,
            new MetadataReader(dataSource, Options.Create(new PostgresOptions { ConnectionString = "unused", Schema = "logdapr" })),
            new EnrichmentMetrics(new TestMeterFactory()),
            Options.Create(new EnrichmentOptions { StateStoreName = EnrichmentSidecar.SharedStore }),
            TimeProvider.System,
            NullLoggerFactory.Instance);

        Assert.Equal("us", (await lookup.LookupAsync([Web1], CancellationToken.None)).Found[Web1]["region"]);
    }
}
