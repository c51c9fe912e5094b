using Npgsql;

namespace LogDapr.Aggregator.Database;

/// <summary>
/// After a Postgres restart every pooled connection is dead, and the first read on each fails. Such failures
/// are retried once on a fresh pool so a recovered database answers at once instead of with a burst of errors.
/// </summary>
public static class TransientReads
{
    public static async Task<T> RunAsync<T>(NpgsqlDataSource dataSource, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            return await read(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (IsTransient(ex))
        {
            dataSource.Clear();
            return await read(cancellationToken).ConfigureAwait(false);
        }
    }

    public static bool IsTransient(NpgsqlException ex)
        => ex.IsTransient || ex is PostgresException { SqlState: "57P01" or "57P02" or "57P03" } || ex.InnerException is IOException;
}
