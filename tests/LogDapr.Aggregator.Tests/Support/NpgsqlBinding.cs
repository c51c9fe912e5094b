using System.Text.Json;
using LogDapr.Aggregator.Sink;
using Npgsql;

namespace LogDapr.Aggregator.Tests.Support;

/// <summary>
/// The binding's <c>exec</c> against a real database, failing with the text daprd v1.16 returns for a failed call
/// ("error invoking output binding NAME: error executing query: SEVERITY: message (SQLSTATE XXXXX)"), classified as
/// <see cref="PostgresBinding"/> classifies it. Can be told to fail the next calls with a transient error.
/// </summary>
internal sealed class NpgsqlBinding(NpgsqlDataSource dataSource) : ISqlBinding
{
    public int Calls { get; private set; }

    public int FailNextWithConnectionError { get; set; }

    public async Task<long> ExecAsync(string sql, string paramsJson, CancellationToken cancellationToken)
    {
        Calls++;
        if (FailNextWithConnectionError > 0)
        {
            FailNextWithConnectionError--;
            throw Failure("error invoking output binding logdapr-postgres: error executing query: failed to connect to `host=127.0.0.1 user=postgres database=logdapr`: dial error (dial tcp 127.0.0.1:5432: connect: connection refused)");
        }

        await using var batch = dataSource.CreateBatch();
        var statement = new NpgsqlBatchCommand(sql);
        foreach (var element in JsonDocument.Parse(paramsJson).RootElement.EnumerateArray())
        {
            statement.Parameters.Add(new NpgsqlParameter
            {
                Value = element.ValueKind switch
                {
                    JsonValueKind.String => element.GetString()!,
                    JsonValueKind.Number => element.GetInt64(),
                    JsonValueKind.Null => DBNull.Value,
                    _ => element.GetRawText(),
                },
            });
        }

        batch.BatchCommands.Add(statement);
        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex)
        {
            throw Failure($"error invoking output binding logdapr-postgres: error executing query: {ex.Severity}: {ex.MessageText} (SQLSTATE {ex.SqlState})");
        }

        return (long)statement.Rows;
    }

    private static SinkException Failure(string text)
    {
        var state = SinkErrors.SqlState(text);
        return new SinkException(text, SinkErrors.IsPermanent(state), state);
    }
}
