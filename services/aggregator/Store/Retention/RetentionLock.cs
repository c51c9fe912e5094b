using Npgsql;

namespace LogDapr.Aggregator.Store.Retention;

/// <summary>
/// A session-level Postgres advisory lock that makes a retention job run on one replica at a time: the replica that
/// does not get it skips the run (the holder is doing the same work). The key is derived from the job and the schema,
/// so two pipelines sharing a database do not block each other.
/// </summary>
public sealed class RetentionLock : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly string name;

    private RetentionLock(NpgsqlConnection connection, string name)
    {
        this.connection = connection;
        this.name = name;
    }

    /// <summary>The connection that holds the lock; the job's statements run on it.</summary>
    public NpgsqlConnection Connection => connection;

    /// <summary>The text hashed into the lock key (hashtextextended(name, 0)), public so a test can hold it.</summary>
    public static string Name(string job, string schema) => $"logdapr.retention.{job}:{schema}";

    /// <returns>The held lock, or null when another session holds it.</returns>
    public static async Task<RetentionLock?> TryAcquireAsync(NpgsqlDataSource dataSource, string job, string schema, CancellationToken cancellationToken)
    {
        var name = Name(job, schema);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended(@name, 0))", connection);
            command.Parameters.AddWithValue("name", name);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                return new RetentionLock(connection, name);
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // A broken connection has lost the lock with its session already.
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended(@name, 0))", connection);
                command.Parameters.AddWithValue("name", name);
                await command.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (NpgsqlException)
        {
            // The session is gone, and its lock with it; the run's own error (if any) is the one that matters.
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
