using LogDapr.Aggregator.Database;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Store;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LogDapr.Aggregator.Store.Search;

/// <summary>
/// Runs the store's reads (a direct Npgsql read, like the counter's query API), each in a read-only transaction
/// under SET LOCAL statement_timeout so no query holds a connection longer than Store:Search:StatementTimeout.
/// </summary>
public sealed class LogEventsReader(NpgsqlDataSource dataSource, IOptions<PostgresOptions> postgres, IOptions<StoreOptions> store)
{
    private const string QueryCanceled = "57014";

    public string Schema { get; } = postgres.Value.Schema;

    public Task<List<(StoredEvent Event, DateTimeOffset StoredAt, DateOnly Day)>> ReadAsync(SqlStatement statement, CancellationToken cancellationToken)
        => TransientReads.RunAsync(dataSource, ct => ReadOnceAsync(statement, ct), cancellationToken);

    /// <summary>The database's clock, which stamps stored_at: a tail starts from it, not from this host's clock.</summary>
    public async Task<DateTimeOffset> NowAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT clock_timestamp()");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return reader.GetFieldValue<DateTimeOffset>(0);
    }

    private async Task<List<(StoredEvent, DateTimeOffset, DateOnly)>> ReadOnceAsync(SqlStatement statement, CancellationToken cancellationToken)
    {
        var timeout = store.Value.Search.StatementTimeout;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        await using (var limit = new NpgsqlCommand("SET TRANSACTION READ ONLY; SELECT set_config('statement_timeout', @timeout, true)", connection, transaction))
        {
            // set_config(..., true) is SET LOCAL with a bound value: it ends with the transaction.
            limit.Parameters.AddWithValue("timeout", $"{(long)timeout.TotalMilliseconds}ms");
            await limit.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var command = new NpgsqlCommand(statement.Text, connection, transaction);
        foreach (var parameter in statement.Parameters)
        {
            command.Parameters.Add(parameter.Clone());
        }
        var rows = new List<(StoredEvent, DateTimeOffset, DateOnly)>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(LogEventsSql.Read(reader));
            }
        }
        catch (PostgresException ex) when (ex.SqlState == QueryCanceled && !cancellationToken.IsCancellationRequested)
        {
            throw new QueryTimedOutException(timeout, ex);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return rows;
    }
}
