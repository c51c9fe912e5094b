using System.Globalization;
using LogDapr.Contracts.Postgres;
using LogDapr.DevSidecar.Go;
using Npgsql;

namespace LogDapr.DevSidecar.Bindings;

/// <summary>
/// Dapr's <c>bindings.postgresql</c> output binding over an Npgsql pooled data source. Operations as in
/// components-contrib: <c>exec</c> and <c>query</c> take metadata <c>sql</c> and optional <c>params</c> (a JSON
/// array bound to $1..$n); <c>query</c> returns a JSON array of rows, each a JSON array of column values;
/// <c>close</c> closes the pool for good (parameters: <see cref="PostgresBindingParameters"/>, rows:
/// <see cref="PostgresRowsJson"/>). <c>exec</c> reports <c>rows-affected</c> from the command tag, as pgx does
/// (also for a statement that ends in a SELECT). Parameters are sent untyped (text with unknown type) so PostgreSQL
/// infers their types from the statement, which is what pgx achieves by describing the statement first.
/// </summary>
public sealed class PostgresBinding : IOutputBinding, IAsyncDisposable
{
    private readonly string? configError;
    private NpgsqlDataSource? dataSource;
    private int closed;

    public PostgresBinding(string name, IReadOnlyDictionary<string, string> metadata)
    {
        Name = name;
        if (!metadata.TryGetValue("connectionString", out var connectionString) || string.IsNullOrWhiteSpace(connectionString))
        {
            configError = "missing connection string (metadata 'connectionString')";
            return;
        }

        try
        {
            this.dataSource = NpgsqlDataSource.Create(PostgresConnectionString.ToNpgsql(connectionString));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            configError = $"invalid connection string: {ex.Message}";
        }
    }

    public string Name { get; }

    public async Task<BindingResponse> InvokeAsync(string operation, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        if (operation == "close")
        {
            await DisposeAsync().ConfigureAwait(false);
            return new BindingResponse([], new Dictionary<string, string>());
        }

        if (configError is not null)
        {
            throw new BindingException(configError);
        }

        if (Volatile.Read(ref this.closed) == 1 || this.dataSource is not { } dataSource)
        {
            throw new BindingException("component is closed");
        }

        if (!metadata.TryGetValue("sql", out var sql) || string.IsNullOrEmpty(sql))
        {
            throw new BindingException("required metadata not set: sql");
        }

        if (operation is not ("exec" or "query"))
        {
            throw new BindingException($"invalid operation type: {operation}. Expected exec, query, or close");
        }

        var parameters = metadata.TryGetValue("params", out var paramsJson) && !string.IsNullOrEmpty(paramsJson)
            ? PostgresBindingParameters.Parse(paramsJson)
            : [];

        var start = DateTimeOffset.UtcNow;
        var response = new Dictionary<string, string>
        {
            ["operation"] = operation,
            ["sql"] = sql,
            ["start-time"] = PostgresRowsJson.Rfc3339Nano(start),
        };

        byte[] result = [];
        try
        {
            if (operation == "exec" && parameters.Length == 0)
            {
                // Without parameters pgx uses the simple protocol, which allows several statements.
                await using var command = dataSource.CreateCommand(sql);
                var affected = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                response["rows-affected"] = Math.Max(0, affected).ToString(CultureInfo.InvariantCulture);
            }
            else if (operation == "exec")
            {
                // pgx reports the command tag's count for every statement ("SELECT 3" is 3 rows affected); an
                // NpgsqlBatchCommand exposes that count, ExecuteNonQuery would say -1 for a SELECT.
                await using var batch = dataSource.CreateBatch();
                var statement = new NpgsqlBatchCommand(sql);
                statement.Parameters.AddRange(parameters);
                batch.BatchCommands.Add(statement);
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                response["rows-affected"] = statement.Rows.ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                await using var command = dataSource.CreateCommand(sql);
                command.Parameters.AddRange(parameters);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                result = await PostgresRowsJson.WriteAsync(reader, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (PostgresException ex)
        {
            throw new BindingException($"error executing query: {ex.Severity}: {ex.MessageText} (SQLSTATE {ex.SqlState})", ex.IsTransient, ex);
        }
        catch (NpgsqlException ex)
        {
            throw new BindingException($"error executing query: {ex.Message}{(ex.InnerException is { } inner ? ": " + inner.Message : "")}", unavailable: true, ex);
        }

        var end = DateTimeOffset.UtcNow;
        response["end-time"] = PostgresRowsJson.Rfc3339Nano(end);
        response["duration"] = GoDuration.Format(end - start);
        return new BindingResponse(result, response);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref this.closed, 1) == 0 && this.dataSource is { } dataSource)
        {
            this.dataSource = null;
            await dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }
}
