using System.Net;
using System.Text;
using LogDapr.Aggregator.Tests.Http;
using LogDapr.Aggregator.Tests.Query;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.TestSupport;
using Npgsql;

namespace LogDapr.Aggregator.Tests.DeadLetters;

/// <summary>A replay checks its dead letter before it reads a body, and reads at most a bounded one.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplayBodyTests(PostgresFixture postgres) : IAsyncLifetime
{
    private AggregatorApp app = null!;
    private HttpClient client = null!;
    private long existing;

    public async Task InitializeAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync("replaybody");
        app = new AggregatorApp(new Dictionary<string, string?> { ["APP_API_TOKEN"] = AggregatorApp.Token, ["Aggregator:MaxReplayBodyBytes"] = "4096" }, connectionString);
        client = app.CreateClient();
        await SchemaReady.WaitAsync(client);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var seed = new NpgsqlCommand("INSERT INTO logdapr.dead_letters (message_id, topic, payload, reason) VALUES ('m-1', 'logs', '{}', 'bad') RETURNING id", connection);
        existing = (long)(await seed.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task A_replay_of_a_missing_dead_letter_is_404_whatever_the_body()
    {
        using var response = await client.PostAsync($"/v1/dead-letters/{existing + 1000}/replay", new StringContent("{\"data\": [not json", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_replay_body_over_the_limit_is_413_naming_the_setting()
    {
        var body = "{\"data\":{\"tenant_id\":\"acme\",\"service\":\"api\",\"severity\":\"info\",\"message\":\"" + new string('x', 10_000) + "\"}}";

        using var response = await client.PostAsync($"/v1/dead-letters/{existing}/replay", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Aggregator:MaxReplayBodyBytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
