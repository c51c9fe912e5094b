using Npgsql;

namespace LogDapr.Aggregator.Database.Migrations;

/// <summary>
/// Applies pending migrations in one transaction each, under a Postgres advisory lock so several aggregator
/// replicas starting together apply each migration once. Re-running is a no-op.
/// </summary>
public sealed partial class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner> logger)
{
    // Arbitrary constant shared by every replica: "LDMG" as an int.
    private const long AdvisoryLockKey = 0x4C444D47;

    public async Task<int> ApplyAsync(string schema, CancellationToken cancellationToken)
    {
        var migrations = MigrationCatalog.Load(schema);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "SELECT pg_advisory_lock(@key)", cancellationToken, ("key", AdvisoryLockKey)).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, null, $"CREATE SCHEMA IF NOT EXISTS {schema}", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, null, $"""
                CREATE TABLE IF NOT EXISTS {schema}.schema_migrations (
                    version    integer     PRIMARY KEY,
                    name       text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken).ConfigureAwait(false);

            var applied = new HashSet<int>();
            await using (var command = new NpgsqlCommand($"SELECT version FROM {schema}.schema_migrations", connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            var count = 0;
            foreach (var migration in migrations.Where(m => !applied.Contains(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, $"INSERT INTO {schema}.schema_migrations (version, name) VALUES (@v, @n)", cancellationToken,
                    ("v", migration.Version), ("n", migration.Name)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                LogApplied(logger, migration.Version, migration.Name, schema);
                count++;
            }

            return count;
        }
        finally
        {
            await ExecuteAsync(connection, null, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", AdvisoryLockKey)).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Version} {Name} to schema {Schema}")]
    private static partial void LogApplied(ILogger logger, int version, string name, string schema);
}
