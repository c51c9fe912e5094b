using LogDapr.Configuration.Aggregator;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LogDapr.Aggregator.Audit;

/// <summary>
/// Writes the audit records of requests that change nothing in Postgres (reads, refusals, key failures, restores,
/// failed changes) with Npgsql, like the query API's reads, so that recording a read never depends on the sidecar.
/// Records of changes made through the binding are written by that change's statement (<see cref="AuditSql.WithRecord"/>);
/// records other services send over the audit topic by <see cref="WriteArrivedAsync"/>.
/// </summary>
public sealed partial class AuditWriter(NpgsqlDataSource dataSource, IOptions<PostgresOptions> postgres, AuditMetrics metrics, ILogger<AuditWriter> logger)
{
    private readonly string insert = AuditSql.Insert(postgres.Value.Schema);
    private readonly string insertArrived = AuditSql.InsertArrived(postgres.Value.Schema);

    /// <summary>Writes the record; throws when Postgres cannot take it (the caller decides whether that fails the request).</summary>
    public Task WriteAsync(AuditEntry entry, CancellationToken cancellationToken)
        => ExecuteAsync(insert, entry, null, cancellationToken);

    /// <summary>
    /// Writes a record another service sent over the audit topic, keyed by its id; throws when Postgres cannot take it
    /// (the delivery is retried).
    /// </summary>
    /// <returns>False when a record with that id is already stored (a redelivery).</returns>
    public async Task<bool> WriteArrivedAsync(Guid recordId, DateTimeOffset at, AuditEntry entry, CancellationToken cancellationToken)
        => await ExecuteAsync(insertArrived, entry, command =>
        {
            command.Parameters.AddWithValue("record_id", recordId);
            command.Parameters.AddWithValue("at", at);
        }, cancellationToken).ConfigureAwait(false) == 1;

    private async Task<int> ExecuteAsync(string sql, AuditEntry entry, Action<NpgsqlCommand>? addKey, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand(sql);
            addKey?.Invoke(command);
            command.Parameters.AddWithValue("actor", entry.Actor);
            command.Parameters.AddWithValue("action", entry.Action);
            command.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)entry.Tenant ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("resource", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)entry.Resource ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("remote", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)entry.RemoteAddress ?? DBNull.Value });
            command.Parameters.AddWithValue("outcome", entry.Outcome);
            command.Parameters.AddWithValue("status", entry.StatusCode);
            command.Parameters.AddWithValue("suppressed", entry.Suppressed);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            metrics.WriteFailed(entry.Action);
            LogWriteFailed(logger, entry.Action, entry.Actor, entry.StatusCode, ex.Message);
            throw;
        }
    }

    /// <summary>Writes the record when Postgres can take it; a failure is logged and counted, never thrown.</summary>
    public async Task<bool> TryWriteAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await WriteAsync(entry, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit record {Action} by {Actor} (status {StatusCode}) could not be written: {Error}")]
    private static partial void LogWriteFailed(ILogger logger, string action, string actor, int statusCode, string error);
}
