using LogDapr.Aggregator.Database.Migrations;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace LogDapr.Aggregator.Tests.Sink;

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

    /// <summary>
    /// Runs SQL the way Dapr's PostgreSQL binding does: the <c>params</c> metadata is a JSON array whose elements
    /// are bound to $1..$n (strings as text, numbers as numbers).
    /// </summary>
    public async Task<int> ExecAsBindingAsync(string sql, string paramsJson)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var element in System.Text.Json.JsonDocument.Parse(paramsJson).RootElement.EnumerateArray())
        {
            command.Parameters.Add(new NpgsqlParameter
            {
                Value = element.ValueKind switch
                {
                    System.Text.Json.JsonValueKind.String => element.GetString()!,
                    System.Text.Json.JsonValueKind.Number => element.GetInt64(),
                    System.Text.Json.JsonValueKind.Null => DBNull.Value,
                    _ => element.GetRawText(),
                },
            });
        }

        return await command.ExecuteNonQueryAsync();
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
