using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.TestSupport;
using Npgsql;

namespace LogDapr.Aggregator.Tests.Enrichment;

/// <summary>When the state store cannot follow a write, the client is told (503) that Postgres has the change, and a repeat repairs nothing less.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MetadataApiStateStoreTests(PostgresFixture postgres) : IAsyncLifetime
{
    private MetadataApiHost host = null!;

    // A store the sidecar does not have: every state call fails, as when the state store is down.
    public async Task InitializeAsync() => host = await MetadataApiHost.StartAsync(postgres, new Dictionary<string, string?> { ["Enrichment:StateStoreName"] = "no-such-store" });

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_write_the_state_store_cannot_follow_is_a_503_that_says_Postgres_has_it()
    {
        using var admin = host.Client(host.Admin);

        using var put = await admin.PutAsync("/v1/metadata/service/api", new StringContent("""{"attributes":{"team":"payments"}}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, put.StatusCode);
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(put.Headers.RetryAfter);
        Assert.Contains("Postgres has the change", JsonNode.Parse(await put.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1L, await CountAsync());

        using var delete = await admin.DeleteAsync("/v1/metadata/service/api");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, delete.StatusCode);
        Assert.Equal(0L, await CountAsync());
    }

    private async Task<long> CountAsync()
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM logdapr.enrichment_metadata", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
