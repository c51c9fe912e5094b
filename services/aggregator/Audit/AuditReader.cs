using LogDapr.Aggregator.Database;
using LogDapr.Configuration.Aggregator;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace LogDapr.Aggregator.Audit;

/// <summary>Reads audit records for GET /v1/audit, newest first by id, keyset-paged (reads use Npgsql, like every query API read).</summary>
public sealed class AuditReader(NpgsqlDataSource dataSource, IOptions<PostgresOptions> options)
{
    private readonly string schema = options.Value.Schema;

    public Task<IReadOnlyList<AuditRecord>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
        => TransientReads.RunAsync(dataSource, ct => ListOnceAsync(query, ct), cancellationToken);

    private async Task<IReadOnlyList<AuditRecord>> ListOnceAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT id, at, actor, action, tenant_id, resource, remote_address, outcome, status_code, suppressed
            FROM {schema}.{AuditSql.Table}
            WHERE (@before::bigint IS NULL OR id < @before)
              AND (@from::timestamptz IS NULL OR at >= @from) AND (@to::timestamptz IS NULL OR at < @to)
              AND (@action::text IS NULL OR action = @action) AND (@actor::text IS NULL OR actor = @actor)
              AND (@tenant::text IS NULL OR tenant_id = @tenant)
            ORDER BY id DESC LIMIT @limit
            """);
        command.Parameters.Add(new NpgsqlParameter("before", NpgsqlDbType.Bigint) { Value = (object?)query.Before ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = (object?)query.From?.ToUniversalTime() ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = (object?)query.To?.ToUniversalTime() ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("action", NpgsqlDbType.Text) { Value = (object?)query.Action ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("actor", NpgsqlDbType.Text) { Value = (object?)query.Actor ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlDbType.Text) { Value = (object?)query.Tenant ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", query.Limit);
        var rows = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new AuditRecord(
                reader.GetInt64(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.GetString(7),
                reader.GetInt32(8),
                reader.GetInt32(9)));
        }

        return rows;
    }
}
