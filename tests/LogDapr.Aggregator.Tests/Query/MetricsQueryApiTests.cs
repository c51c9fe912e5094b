using System.Net;
using System.Text.Json.Nodes;
using CsCheck;
using LogDapr.Aggregator.Tests.Http;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.TestSupport;
using Npgsql;

namespace LogDapr.Aggregator.Tests.Query;

/// <summary>GET /v1/metrics against real Postgres: every bad or extreme query is a 400 naming its parameter, never a 5xx.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MetricsQueryApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    private AggregatorApp app = null!;
    private HttpClient client = null!;
    private string connectionString = "";

    public async Task InitializeAsync()
    {
        connectionString = await postgres.CreateDatabaseAsync("metricsapi");
        app = new AggregatorApp(new Dictionary<string, string?> { ["APP_API_TOKEN"] = AggregatorApp.Token, ["Aggregator:MaxQueryRows"] = "100" }, connectionString);
        client = app.CreateClient();
        await SchemaReady.WaitAsync(client);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // 300 series in one bucket of tenant "wide", one row of tenant "narrow".
        await using var seed = new NpgsqlCommand("""
            INSERT INTO logdapr.log_counts (tenant_id, service, bucket_start, severity, event_count)
            SELECT 'wide', 'svc-' || i, date_trunc('minute', now()) - interval '5 minutes', 'info', 1 FROM generate_series(1, 300) AS i;
            INSERT INTO logdapr.log_counts (tenant_id, service, bucket_start, severity, event_count)
            VALUES ('narrow', 'api', date_trunc('minute', now()) - interval '5 minutes', 'error', 2);
            """, connection);
        await seed.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Theory]
    [InlineData("to=0001-01-01T00:00:00Z", "to")]
    [InlineData("from=0001-01-01T00:00:00Z&to=0001-01-01T01:00:00Z&step=7m", "from")]
    [InlineData("step=P1000D", "step")]
    [InlineData("step=99999999999999d", "step")]
    [InlineData("tenant=x%00y", "tenant")]
    [InlineData("service=a%00b", "service")]
    [InlineData("from=2026-11-27", "from")]
    [InlineData("to=9999-12-31T23:59:59Z", "to")]
    [InlineData("step=P99999999999D", "step")]
    public async Task A_malformed_or_extreme_query_is_a_400_naming_the_parameter(string query, string parameter)
    {
        using var response = await client.GetAsync("/v1/metrics?" + query);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query} answered {(int)response.StatusCode}: {body}");
        Assert.NotNull(JsonNode.Parse(body)!["errors"]![parameter]);
    }

    [Fact]
    public async Task A_query_matching_more_rows_than_the_cap_is_refused_with_how_to_narrow_it()
    {
        using var wide = await client.GetAsync("/v1/metrics?tenant=wide");
        using var narrow = await client.GetAsync("/v1/metrics?tenant=narrow");

        Assert.Equal(HttpStatusCode.BadRequest, wide.StatusCode);
        var problem = JsonNode.Parse(await wide.Content.ReadAsStringAsync())!;
        Assert.Equal("Aggregator:MaxQueryRows", problem["limit"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, narrow.StatusCode);
        Assert.Equal(2, JsonNode.Parse(await narrow.Content.ReadAsStringAsync())!["total_events"]!.GetValue<long>());
    }

    [Fact]
    public void No_query_string_gets_a_5xx()
    {
        string[] names = ["tenant", "tenant_id", "service", "severity", "from", "to", "step", "x"];
        var value = Gen.OneOf(
            Gen.String[0, 40],
            Gen.Char.Array[0, 12].Select(c => new string(c)),
            Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Gen.Long.Select(l => $"{l}d"),
            Gen.OneOf<string>("1m", "30s", "7m", "P1000D", "PT5M", "P1D", "PT0.5S", "-1m", "0m", "1y", "99999999999999d", "P10675199D"),
            Gen.Date.Select(d => d.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)),
            Gen.DateTimeOffset.Select(d => d.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
            Gen.OneOf<string>("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "1969-12-31T23:00:00-01:00", "2026-11-27T10:00:00+14:00"));
        var pair = Gen.Select(Gen.OneOf<string>(names), value, (n, v) => $"{n}={Uri.EscapeDataString(v)}");

        pair.Array[0, 5].Select(p => string.Join('&', p)).Sample(query =>
        {
            using var response = client.GetAsync("/v1/metrics?" + query).GetAwaiter().GetResult();
            var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            Assert.True((int)response.StatusCode < 500, $"{query} answered {(int)response.StatusCode}: {body}");
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{query} answered {(int)response.StatusCode}: {body}");
        }, iter: 1_500, threads: 1);
    }
}

internal static class SchemaReady
{
    public static async Task WaitAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync("/readyz");
            var report = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            if (report["checks"]!["postgres"]!["status"]!.GetValue<string>() == "Healthy")
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("the aggregator did not migrate its schema within 30 s");
    }
}
