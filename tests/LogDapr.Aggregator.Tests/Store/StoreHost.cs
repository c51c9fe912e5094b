using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using LogDapr.LocalStack.Processes;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using NpgsqlTypes;

namespace LogDapr.Aggregator.Tests.Store;

/// <summary>
/// The aggregator in the store role, in memory, on its own real database, with API keys for tenants acme and globex
/// and an admin key. Inserts rows into log_events directly (what the store's writer stores).
/// </summary>
internal sealed class StoreHost : IAsyncDisposable
{
    public const string CursorKey = "test-cursor-key-0123456789abcdef";

    private readonly string keyDirectory = Path.Combine(Path.GetTempPath(), "logdapr-tests", "store-keys-" + Guid.NewGuid().ToString("N")[..8]);
    private WebApplicationFactory<Program> factory = null!;

    private StoreHost(string connectionString) => ConnectionString = connectionString;

    public string ConnectionString { get; }

    public string Acme { get; } = ApiKeys.Generate();

    public string Globex { get; } = ApiKeys.Generate();

    public string Admin { get; } = ApiKeys.Generate();

    public IServiceProvider Services => factory.Services;

    public static async Task<StoreHost> StartAsync(PostgresFixture postgres, string prefix, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var host = new StoreHost(await postgres.CreateDatabaseAsync(prefix));
        Directory.CreateDirectory(host.keyDirectory);
        await File.WriteAllTextAsync(Path.Combine(host.keyDirectory, "acme"), ApiKeys.FileLine(host.Acme) + "\n");
        await File.WriteAllTextAsync(Path.Combine(host.keyDirectory, "globex"), ApiKeys.FileLine(host.Globex) + "\n");
        await File.WriteAllTextAsync(Path.Combine(host.keyDirectory, ApiKeyFile.AdminFileName), ApiKeys.FileLine(host.Admin) + "\n");
        host.factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Aggregator:Role", "Store");
            b.UseSetting("Store:CursorKey", CursorKey);
            b.UseSetting("Postgres:ConnectionString", host.ConnectionString);
            b.UseSetting("Auth:KeysPath", host.keyDirectory);
            b.UseSetting("DAPR_GRPC_PORT", FreePorts.Next().ToString(CultureInfo.InvariantCulture));
            b.UseSetting("DAPR_HTTP_PORT", FreePorts.Next().ToString(CultureInfo.InvariantCulture));
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                b.UseSetting(key, value);
            }
        });
        await host.WaitForSchemaAsync();
        return host;
    }

    public HttpClient Client(string? key)
    {
        var client = factory.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public async Task<(int Status, JsonNode? Body, string Text)> GetAsync(string path, string? key)
    {
        using var client = Client(key);
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? body = null;
        try
        {
            body = text.Length > 0 ? JsonNode.Parse(text) : null;
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return ((int)response.StatusCode, body, text);
    }

    public async Task InsertAsync(StoredRow row)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO logdapr.log_events (tenant_id, event_day, event_id, ts, received_at, service, severity, host, message, attributes, trace_id, span_id, message_id)
            VALUES (@t, (@ts AT TIME ZONE 'UTC')::date, @id, @ts, @ts, @s, @sv, @h, @m, @a, @tr, @sp, 'msg-' || @id)
            """, connection);
        command.Parameters.AddWithValue("t", row.Tenant);
        command.Parameters.AddWithValue("id", row.Id);
        command.Parameters.AddWithValue("ts", row.Timestamp.ToUniversalTime());
        command.Parameters.AddWithValue("s", row.Service);
        command.Parameters.AddWithValue("sv", (short)row.Severity);
        command.Parameters.Add(new NpgsqlParameter("h", NpgsqlDbType.Text) { Value = (object?)row.Host ?? DBNull.Value });
        command.Parameters.AddWithValue("m", row.Message);
        command.Parameters.Add(new NpgsqlParameter("a", NpgsqlDbType.Jsonb) { Value = row.Attributes ?? "{}" });
        command.Parameters.Add(new NpgsqlParameter("tr", NpgsqlDbType.Text) { Value = (object?)row.TraceId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("sp", NpgsqlDbType.Text) { Value = DBNull.Value });
        await command.ExecuteNonQueryAsync();
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await factory.DisposeAsync();
        Directory.Delete(keyDirectory, recursive: true);
    }

    private async Task WaitForSchemaAsync()
    {
        using var client = factory.CreateClient();
        await Eventually.TrueAsync(async () =>
        {
            using var response = await client.GetAsync("/readyz");
            var report = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            return report["checks"]!["postgres"]!["status"]!.GetValue<string>() == "Healthy";
        }, "the store migrated its schema");
    }
}

internal sealed record StoredRow(
    string Tenant, string Id, DateTimeOffset Timestamp, string Service = "api", int Severity = 3, string? Host = "h1",
    string Message = "hello", string? Attributes = null, string? TraceId = null);
