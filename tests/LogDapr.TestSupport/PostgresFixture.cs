using LogDapr.LocalStack.Postgres;
using LogDapr.LocalStack.Processes;
using LogDapr.Postgres;
using Npgsql;
using Testcontainers.PostgreSql;
using Xunit;
using Xunit.Abstractions;

namespace LogDapr.TestSupport;

/// <summary>
/// A real Postgres for tests: a Testcontainers container when a container engine answers, otherwise a private
/// cluster from the machine's binaries (<see cref="TestBackend"/> chooses, and the test output says which ran).
/// If neither is possible the tests fail and say what to install.
/// Each test class gets its own database from <see cref="CreateDatabaseAsync"/>; tests that hand a connection
/// string to a Dapr component (the dev sidecar's binding tests) use <see cref="PgxConnectionString"/>.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private const string MaintenanceDatabase = "postgres";
    private PostgreSqlContainer? container;
    private readonly IMessageSink? diagnostics;
    private readonly TestBackendKind? requested;
    private PostgresServer? server;
    private string? root;

    /// <summary>As xunit creates it for a class or collection: the backend the environment asks for, reported.</summary>
    public PostgresFixture(IMessageSink diagnostics)
        : this(diagnostics, null)
    {
    }

    private PostgresFixture(IMessageSink? diagnostics, TestBackendKind? backend)
    {
        this.diagnostics = diagnostics;
        requested = backend;
    }

    /// <summary>
    /// One a test or another fixture starts and disposes itself; <paramref name="backend"/> overrides the environment
    /// (tests of the fallback itself), <paramref name="diagnostics"/> receives the line naming the backend.
    /// </summary>
    public static PostgresFixture Standalone(TestBackendKind? backend = null, IMessageSink? diagnostics = null) => new(diagnostics, backend);

    public TestBackendKind Backend { get; private set; }

    /// <summary>Npgsql connection string to the maintenance database.</summary>
    public string AdminConnectionString { get; private set; } = "";

    public string Host { get; private set; } = "127.0.0.1";
    public int Port { get; private set; }
    public string User { get; private set; } = "postgres";
    public string? Password { get; private set; }

    /// <summary>The maintenance database in libpq keyword/value form, as a Dapr PostgreSQL component carries it (pgx reads it).</summary>
    public string PgxConnectionString
    {
        get
        {
            var local = PostgresConnectionString.Libpq(Host, Port, User, MaintenanceDatabase);
            return Password is null ? local : $"{local} password={Password}";
        }
    }

    public async Task InitializeAsync()
    {
        Backend = requested ?? TestBackend.Choose();
        if (Backend == TestBackendKind.Containers)
        {
            container = new PostgreSqlBuilder(TestBackend.PostgresImage).WithCreateParameterModifier(parameters => parameters.HostConfig!.Ulimits = [.. TestBackend.ContainerUlimits()]).Build();
            await container.StartAsync().ConfigureAwait(false);
            var builder = new NpgsqlConnectionStringBuilder(container.GetConnectionString());
            Host = builder.Host!;
            Port = builder.Port;
            User = builder.Username!;
            Password = builder.Password;
            AdminConnectionString = container.GetConnectionString();
            TestBackend.Report(diagnostics, "Postgres", Backend, TestBackend.PostgresImage);
            return;
        }

        var binaries = PostgresBinaries.Find() ?? throw new InvalidOperationException(
            "These tests need PostgreSQL: no container engine answers and no PostgreSQL server binaries were found. "
            + $"Install them with: {PostgresBinaries.InstallCommand}");
        root = ScratchDirectory.NewPath("logdapr-tests", "pg");
        server = await PostgresServer.StartAsync(binaries, root, FreePorts.Next(), durable: false, CancellationToken.None).ConfigureAwait(false);
        Port = server.Port;
        AdminConnectionString = server.ConnectionString.Replace($"Database={PostgresServer.Database}", $"Database={MaintenanceDatabase}", StringComparison.Ordinal);
        TestBackend.Report(diagnostics, "Postgres", Backend, binaries);
    }

    /// <summary>
    /// An Npgsql connection string (from <see cref="CreateDatabaseAsync"/>) in libpq keyword/value form, the form a
    /// Dapr PostgreSQL component reads (the dev sidecar refuses Npgsql's form, as daprd's pgx cannot use it).
    /// </summary>
    public static string ForDapr(string npgsqlConnectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(npgsqlConnectionString);
        var local = PostgresConnectionString.Libpq(builder.Host!, builder.Port, builder.Username!, builder.Database!);
        return builder.Password is null ? local : $"{local} password={builder.Password}";
    }

    /// <summary>A fresh, empty database; returns its Npgsql connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)].ToLowerInvariant();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (container is not null)
        {
            await container.DisposeAsync().ConfigureAwait(false);
        }

        if (server is not null)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        ScratchDirectory.Remove(root);
    }
}
