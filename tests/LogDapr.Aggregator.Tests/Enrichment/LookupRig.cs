using LogDapr.Aggregator.Enrichment;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Enrichment;
using LogDapr.Configuration.Pipeline;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace LogDapr.Aggregator.Tests.Enrichment;

/// <summary>
/// A migrated database, the development sidecar with the pipeline's state store, and lookups built on them with a
/// fake clock (TTLs and the breakers' windows advance only when a test says so). Postgres can be made to refuse the
/// test database's connections (ALLOW_CONNECTIONS false) and to accept them again: a real outage of this database.
/// </summary>
internal sealed class LookupRig : IAsyncDisposable
{
    private readonly PostgresFixture postgres;
    private readonly string database;

    private LookupRig(PostgresFixture postgres, MigratedDatabase db, EnrichmentSidecar sidecar, string database)
    {
        this.postgres = postgres;
        Db = db;
        Sidecar = sidecar;
        this.database = database;
    }

    private readonly List<MetadataStateStore> stores = [];

    public MigratedDatabase Db { get; }

    public EnrichmentSidecar Sidecar { get; }

    /// <summary>Every meter the rig's lookups created, so a test listens to these lookups only.</summary>
    public TestMeterFactory Meters { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero));

    public static async Task<LookupRig> StartAsync(PostgresFixture postgres)
    {
        var db = await MigratedDatabase.CreateAsync(postgres, "enrichlookup");
        var database = new NpgsqlConnectionStringBuilder(db.DataSource.ConnectionString).Database!;
        return new LookupRig(postgres, db, await EnrichmentSidecar.StartAsync(db.DataSource.ConnectionString), database);
    }

    /// <param name="grpcEndpoint">Another sidecar's (e.g. one that is not there); the rig's by default.</param>
    /// <param name="time">The fake clock unless a test needs real timeouts.</param>
    public TieredMetadataLookup Lookup(EnrichmentOptions? options = null, string? grpcEndpoint = null, TimeProvider? time = null)
    {
        options ??= new EnrichmentOptions();
        var store = new MetadataStateStore(options.StateStore(new PipelineOptions().StateStoreName), grpcEndpoint ?? Sidecar.GrpcEndpoint, apiToken: null);
        stores.Add(store);
        return new TieredMetadataLookup(
            store,
            new MetadataReader(Db.DataSource, Options.Create(new PostgresOptions { ConnectionString = "unused", Schema = MigratedDatabase.Schema })),
            new EnrichmentMetrics(Meters),
            Options.Create(options),
            time ?? Time,
            NullLoggerFactory.Instance);
    }

    public Task InsertAsync(string kind, string name, string attributesJson)
        => Db.ExecAsBindingAsync(
            $"INSERT INTO {MigratedDatabase.Schema}.enrichment_metadata (kind, name, attributes) VALUES ($1, $2, $3::jsonb) ON CONFLICT (kind, name) DO UPDATE SET attributes = EXCLUDED.attributes",
            $"[\"{kind}\", \"{name}\", {System.Text.Json.JsonSerializer.Serialize(attributesJson)}]");

    /// <summary>The database refuses new connections and loses its open ones, as when Postgres is down.</summary>
    public async Task StopPostgresAsync()
    {
        await AdminAsync($"ALTER DATABASE {database} ALLOW_CONNECTIONS false");
        await AdminAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()");
        Db.DataSource.Clear();
    }

    /// <summary>Holds an exclusive lock on the metadata table until disposed: every read of it waits, as on a stuck database.</summary>
    public async Task<IAsyncDisposable> LockTableAsync()
    {
        var connection = await Db.DataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand($"LOCK TABLE {MigratedDatabase.Schema}.enrichment_metadata IN ACCESS EXCLUSIVE MODE", connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new Release(connection, transaction);
    }

    /// <summary>Statements of this database waiting for a lock (on the table <see cref="LockTableAsync"/> holds).</summary>
    public Task<long> LockWaitersAsync()
        => Db.ScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");

    public Task StartPostgresAsync() => AdminAsync($"ALTER DATABASE {database} ALLOW_CONNECTIONS true");

    public async ValueTask DisposeAsync()
    {
        await StartPostgresAsync();
        stores.ForEach(s => s.Dispose());
        await Sidecar.DisposeAsync();
        await Db.DisposeAsync();
    }

    private async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(postgres.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

internal sealed class Release(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await transaction.RollbackAsync();
        await connection.DisposeAsync();
    }
}
