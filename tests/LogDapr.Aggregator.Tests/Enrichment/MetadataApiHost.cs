using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LogDapr.Aggregator.Tests.Enrichment;

/// <summary>
/// The aggregator in the counter role, in memory, on its own real database, talking to a real (development) sidecar
/// for its binding writes and the state store; API keys for tenant acme and an admin.
/// </summary>
internal sealed class MetadataApiHost : IAsyncDisposable
{
    private readonly string keyDirectory = Path.Combine(Path.GetTempPath(), "logdapr-tests", "enrich-keys-" + Guid.NewGuid().ToString("N")[..8]);
    private WebApplicationFactory<Program> factory = null!;
    private TestTls? tls;

    private MetadataApiHost(string connectionString, EnrichmentSidecar sidecar)
    {
        ConnectionString = connectionString;
        Sidecar = sidecar;
    }

    public string ConnectionString { get; }

    public EnrichmentSidecar Sidecar { get; }

    public string Acme { get; } = ApiKeys.Generate();

    public string Admin { get; } = ApiKeys.Generate();

    /// <summary>With <see cref="StartAsync"/>'s tls: the HTTPS address of the aggregator on Kestrel.</summary>
    public Uri? Https { get; private set; }

    /// <param name="tls">Serve HTTPS on a real Kestrel socket with these files, client certificates Optional.</param>
    public static async Task<MetadataApiHost> StartAsync(PostgresFixture postgres, IReadOnlyDictionary<string, string?>? settings = null, TestTls? tls = null)
    {
        var connectionString = await postgres.CreateDatabaseAsync("enrichapi");
        var host = new MetadataApiHost(connectionString, await EnrichmentSidecar.StartAsync(connectionString)) { tls = tls };
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        if (tls is not null)
        {
            var port = LogDapr.LocalStack.Processes.FreePorts.Next().ToString(CultureInfo.InvariantCulture);
            foreach (var (key, value) in tls.ServerSettings("Optional"))
            {
                all[key] = value;
            }

            all["urls"] = $"https://127.0.0.1:{port}";
            host.Https = new Uri($"https://localhost:{port}");
        }

        Directory.CreateDirectory(host.keyDirectory);
        await File.WriteAllTextAsync(Path.Combine(host.keyDirectory, "acme"), ApiKeys.FileLine(host.Acme) + "\n");
        await File.WriteAllTextAsync(Path.Combine(host.keyDirectory, ApiKeyFile.AdminFileName), ApiKeys.FileLine(host.Admin) + "\n");
        host.factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Postgres:ConnectionString", connectionString);
            b.UseSetting("Auth:KeysPath", host.keyDirectory);
            b.UseSetting("DAPR_GRPC_PORT", host.Sidecar.GrpcPort.ToString(CultureInfo.InvariantCulture));
            b.UseSetting("DAPR_HTTP_PORT", host.Sidecar.HttpPort.ToString(CultureInfo.InvariantCulture));
            foreach (var (key, value) in all)
            {
                b.UseSetting(key, value);
            }
        });
        if (tls is not null)
        {
            host.factory.UseKestrel();
            host.factory.StartServer();
        }

        await host.WaitForSchemaAsync();
        return host;
    }

    public HttpClient Client(string? key, X509Certificate2? clientCertificate = null)
    {
        var client = tls is null ? factory.CreateClient() : tls.Client(Https!, clientCertificate: clientCertificate);
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await factory.DisposeAsync();
        await Sidecar.DisposeAsync();
        Directory.Delete(keyDirectory, recursive: true);
    }

    private async Task WaitForSchemaAsync()
    {
        using var client = Client(null);
        await Eventually.TrueAsync(async () =>
        {
            using var response = await client.GetAsync("/readyz");
            var report = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            return report["checks"]?["postgres"]?["status"]?.GetValue<string>() == "Healthy";
        }, "the aggregator migrates its schema");
    }
}
