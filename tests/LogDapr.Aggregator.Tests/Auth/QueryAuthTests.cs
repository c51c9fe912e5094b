using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.LocalStack.Processes;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace LogDapr.Aggregator.Tests.Auth;

/// <summary>The query API shows a tenant key only its own tenant; admin keys see all and replay.</summary>
[Collection(PostgresCollection.Name)]
public sealed class QueryAuthTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string keyDirectory = Path.Combine(Path.GetTempPath(), "logdapr-tests", "keys-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string acme = ApiKeys.Generate();
    private readonly string globex = ApiKeys.Generate();
    private readonly string admin = ApiKeys.Generate();
    private WebApplicationFactory<Program> factory = null!;
    private string connectionString = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(keyDirectory);
        await File.WriteAllTextAsync(Path.Combine(keyDirectory, "acme"), ApiKeys.FileLine(acme) + "\n");
        await File.WriteAllTextAsync(Path.Combine(keyDirectory, "globex"), ApiKeys.FileLine(globex) + "\n");
        await File.WriteAllTextAsync(Path.Combine(keyDirectory, ApiKeyFile.AdminFileName), ApiKeys.FileLine(admin) + "\n");
        connectionString = await postgres.CreateDatabaseAsync("queryauth");
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Postgres:ConnectionString", connectionString);
            b.UseSetting("Auth:KeysPath", keyDirectory);
            // No sidecar: reads do not need one, and a replay that gets past authorization then fails with 503.
            b.UseSetting("DAPR_GRPC_PORT", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
            b.UseSetting("DAPR_HTTP_PORT", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        await WaitForSchemaAsync();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var seed = new NpgsqlCommand("""
            INSERT INTO logdapr.log_counts (tenant_id, service, bucket_start, severity, event_count) VALUES
              ('acme', 'api', now() - interval '5 minutes', 'error', 3),
              ('globex', 'web', now() - interval '5 minutes', 'info', 7);
            INSERT INTO logdapr.dead_letters (message_id, topic, payload, reason, tenant_id) VALUES
              ('m-acme', 'logs', '{}', 'bad', 'acme'),
              ('m-globex', 'logs', '{}', 'bad', 'globex'),
              ('m-unknown', 'logs', 'garbage', 'not json', NULL);
            """, connection);
        await seed.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await factory.DisposeAsync();
        Directory.Delete(keyDirectory, recursive: true);
    }

    private async Task WaitForSchemaAsync()
    {
        var client = factory.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            // Readiness is 503 overall (no sidecar here); the postgres check inside it is what matters.
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

    private async Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(string path, string? key, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await factory.CreateClient().SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    private static IEnumerable<string> Tenants(JsonNode metrics) => metrics["buckets"]!.AsArray().Select(b => b!["tenant_id"]!.GetValue<string>()).Distinct();

    [Fact]
    public async Task Every_query_endpoint_needs_a_key()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/v1/metrics", null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/v1/dead-letters", null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/v1/dead-letters", "ldk_nope")).Status);
    }

    [Fact]
    public async Task A_tenant_key_sees_only_its_tenant_and_cannot_ask_for_another()
    {
        var own = await GetAsync("/v1/metrics", acme);
        var other = await GetAsync("/v1/metrics?tenant=globex", acme);

        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.Equal(["acme"], Tenants(own.Body!));
        Assert.Equal(3, own.Body!["total_events"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.Forbidden, other.Status);
    }

    [Fact]
    public async Task Dead_letters_are_filtered_by_tenant_and_others_are_not_disclosed()
    {
        var list = await GetAsync("/v1/dead-letters", globex);
        var items = list.Body!["items"]!.AsArray();
        var acmeId = (await GetAsync("/v1/dead-letters", admin)).Body!["items"]!.AsArray()
            .Single(i => i!["message_id"]!.GetValue<string>() == "m-acme")!["id"]!.GetValue<long>();

        Assert.Equal(["m-globex"], items.Select(i => i!["message_id"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/v1/dead-letters/{acmeId}", globex)).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"/v1/dead-letters/{acmeId}", acme)).Status);
    }

    [Fact]
    public async Task An_admin_key_sees_every_tenant_and_only_admins_replay()
    {
        var metrics = await GetAsync("/v1/metrics", admin);
        var letters = await GetAsync("/v1/dead-letters", admin);
        var id = letters.Body!["items"]!.AsArray()[0]!["id"]!.GetValue<long>();

        Assert.Equal(["acme", "globex"], Tenants(metrics.Body!).Order());
        Assert.Equal(3, letters.Body["items"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync($"/v1/dead-letters/{id}/replay", acme, HttpMethod.Post)).Status);
        var replay = await GetAsync($"/v1/dead-letters/{id}/replay", admin, HttpMethod.Post);
        Assert.True(replay.Status is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable or HttpStatusCode.Conflict, $"admin replay answered {replay.Status}");
    }
}
