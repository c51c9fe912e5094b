using System.Net.Sockets;
using System.Text;
using LogDapr.TestSupport;
using Npgsql;

namespace LogDapr.Ingest.Tests.Support;

/// <summary>
/// The Postgres and Redis fixtures run where the environment asks (test.sh asks for Testcontainers on podman's API
/// service), and the machine-binary fallback keeps working for machines without a container engine, although CI
/// itself runs the fixtures in containers.
/// </summary>
public sealed class TestBackendTests
{
    [Fact]
    public async Task Postgres_from_the_machine_binaries_serves_a_fresh_database()
    {
        var postgres = PostgresFixture.Standalone(TestBackendKind.Binaries);
        try
        {
            await postgres.InitializeAsync();
            Assert.Equal(TestBackendKind.Binaries, postgres.Backend);
            Assert.Equal(15, await ServerMajorVersionAsync(await postgres.CreateDatabaseAsync("backend")));
        }
        finally
        {
            await postgres.DisposeAsync();
        }
    }

    [Fact]
    public async Task Redis_from_the_machine_binaries_answers_commands_and_comes_back_on_the_same_port()
    {
        var redis = RedisFixture.Standalone(TestBackendKind.Binaries);
        try
        {
            await redis.InitializeAsync();
            Assert.Equal(TestBackendKind.Binaries, redis.Backend);
            Assert.Equal("+OK", await RedisCommandAsync(redis.Port, "SET backend binaries"));

            await redis.StopAsync();
            await redis.StartAsync();

            // No persistence: a restart is an empty Redis on the same address, as the outage tests expect.
            Assert.Equal("$-1", await RedisCommandAsync(redis.Port, "GET backend"));
        }
        finally
        {
            await redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task Fixtures_run_on_the_backend_the_environment_asks_for()
    {
        var expected = Environment.GetEnvironmentVariable(TestBackend.Variable)?.Trim().ToLowerInvariant() switch
        {
            "containers" => TestBackendKind.Containers,
            "binaries" => TestBackendKind.Binaries,
            _ => ContainerEngine.IsAvailable ? TestBackendKind.Containers : TestBackendKind.Binaries,
        };
        var postgres = PostgresFixture.Standalone();
        var redis = RedisFixture.Standalone();
        try
        {
            await postgres.InitializeAsync();
            await redis.InitializeAsync();
            Assert.Equal(expected, postgres.Backend);
            Assert.Equal(expected, redis.Backend);
            Assert.Equal(15, await ServerMajorVersionAsync(await postgres.CreateDatabaseAsync("backend")));
            Assert.Equal("+PONG", await RedisCommandAsync(redis.Port, "PING"));
        }
        finally
        {
            await redis.DisposeAsync();
            await postgres.DisposeAsync();
        }
    }

    private static async Task<int> ServerMajorVersionAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection.PostgreSqlVersion.Major;
    }

    private static async Task<string> RedisCommandAsync(int port, string inlineCommand)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(inlineCommand + "\r\n"));
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read).TrimEnd('\r', '\n');
    }
}
