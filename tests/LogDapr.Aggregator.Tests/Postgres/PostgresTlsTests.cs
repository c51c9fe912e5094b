extern alias DevSidecar;

using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using DevSidecarBindings = DevSidecar::LogDapr.DevSidecar.Bindings;

namespace LogDapr.Aggregator.Tests.Postgres;

/// <summary>
/// Verified TLS to a real Postgres that accepts TLS connections only, with certificates made in the test: the
/// aggregator (migrations, readiness, reads: one data source from Postgres:ConnectionString) and the dev sidecar's
/// PostgreSQL binding read sslmode=verify-full and sslrootcert from the same connection string daprd's pgx reads.
/// </summary>
public sealed class PostgresTlsTests : IAsyncLifetime
{
    private PostgresTlsServer server = null!;

    public async Task InitializeAsync() => server = await PostgresTlsServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    private static Dictionary<string, string?> Settings() => new() { ["APP_API_TOKEN"] = AggregatorApp.Token };

    private static async Task<(HttpStatusCode Status, JsonNode Body)> ReadyAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/readyz");
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    [Fact]
    public async Task The_aggregator_migrates_and_gets_ready_over_verify_full_with_the_ca_bundle()
    {
        await using var app = new AggregatorApp(Settings(), server.Libpq($"sslmode=verify-full sslrootcert={server.CaFile}"));
        var client = app.CreateClient();

        // No sidecar here, so only the Postgres check can be healthy: it is once the schema is migrated over TLS.
        string? last = null;
        await Eventually.TrueAsync(
            async () =>
            {
                var check = (await ReadyAsync(client)).Body["checks"]?["postgres"];
                last = check?.ToJsonString();
                return check?["status"]?.GetValue<string>() == "Healthy";
            },
            () => $"the postgres readiness check is healthy; last: {last}");

        // The connection its readiness and reads use is encrypted.
        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
        await using var command = dataSource.CreateCommand("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
        Assert.True((bool)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_wrong_ca_fails_readiness_with_a_message_naming_the_certificate_verification()
    {
        using var otherCa = PostgresTlsCertificates.CreateCa("some-other-ca");
        var wrongCa = server.WriteFile("wrong-ca.crt", PostgresTlsCertificates.CertificatePem(otherCa));
        await using var app = new AggregatorApp(Settings(), server.Libpq($"sslmode=verify-full sslrootcert={wrongCa}"));
        var client = app.CreateClient();

        string? description = null;
        await Eventually.TrueAsync(
            async () =>
            {
                var (status, body) = await ReadyAsync(client);
                description = body["checks"]?["postgres"]?["description"]?.GetValue<string>();
                return status == HttpStatusCode.ServiceUnavailable && description?.Contains("certificate", StringComparison.Ordinal) == true;
            },
            () => $"readiness names the failed certificate verification; last: {description}");

        Assert.Contains("TLS", description, StringComparison.Ordinal);
        Assert.Contains("sslrootcert", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dev_sidecar_binding_writes_over_verify_full_and_refuses_a_wrong_ca()
    {
        await using var binding = new DevSidecarBindings.PostgresBinding("pg", new Dictionary<string, string>
        {
            ["connectionString"] = server.Libpq($"sslmode=verify-full sslrootcert={server.CaFile}"),
        });
        await binding.InvokeAsync("exec", default, new Dictionary<string, string> { ["sql"] = "CREATE TABLE tls_probe (id int PRIMARY KEY)" }, CancellationToken.None);
        var inserted = await binding.InvokeAsync("exec", default, new Dictionary<string, string> { ["sql"] = "INSERT INTO tls_probe (id) VALUES ($1)", ["params"] = "[7]" }, CancellationToken.None);
        Assert.Equal("1", inserted.Metadata["rows-affected"]);
        var rows = await binding.InvokeAsync("query", default, new Dictionary<string, string> { ["sql"] = "SELECT id, (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) FROM tls_probe" }, CancellationToken.None);
        Assert.Equal("[[7,true]]", Encoding.UTF8.GetString(rows.Data));

        using var otherCa = PostgresTlsCertificates.CreateCa("some-other-ca");
        var wrongCa = server.WriteFile("wrong-ca-binding.crt", PostgresTlsCertificates.CertificatePem(otherCa));
        await using var wrong = new DevSidecarBindings.PostgresBinding("pg", new Dictionary<string, string>
        {
            ["connectionString"] = server.Libpq($"sslmode=verify-full sslrootcert={wrongCa}"),
        });
        await Assert.ThrowsAsync<DevSidecarBindings.BindingException>(() => wrong.InvokeAsync("exec", default, new Dictionary<string, string> { ["sql"] = "INSERT INTO tls_probe (id) VALUES (8)" }, CancellationToken.None));
    }
}
