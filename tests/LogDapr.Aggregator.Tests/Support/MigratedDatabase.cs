extern alias DevSidecar;

using DevSidecar::LogDapr.DevSidecar.Bindings;
using LogDapr.Aggregator.Database.Migrations;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace LogDapr.Aggregator.Tests.Support;

/// <summary>A fresh database with the aggregator's migrations applied, for tests of the SQL the binding runs.</summary>
internal sealed class MigratedDatabase : IAsyncDisposable
{
    public const string Schema = "logdapr";

    private MigratedDatabase(NpgsqlDataSource dataSource) => DataSource = dataSource;

    public NpgsqlDataSource DataSource { get; }

    public static async Task<MigratedDatabase> CreateAsync(PostgresFixture postgres, string prefix)
    {
        var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync(prefix));
        await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(Schema, CancellationToken.None);
        return new MigratedDatabase(dataSource);
    }

    /// <summary>Wraps a database migrated by the caller (a test of a migration itself); the caller disposes the data source.</summary>
    public static Task<MigratedDatabase> CreateAsync(NpgsqlDataSource dataSource) => Task.FromResult(new MigratedDatabase(dataSource));

    /// <summary>
    /// Runs SQL with the <c>params</c> metadata bound the way Dapr's PostgreSQL binding binds it (the sidecar's
    /// <see cref="PostgresBindingParameters"/>: element i to $i+1, untyped, PostgreSQL infers the types).
    /// </summary>
    public async Task<int> ExecAsBindingAsync(string sql, string paramsJson)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.Parameters.AddRange(PostgresBindingParameters.Parse(paramsJson));
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
