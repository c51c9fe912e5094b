using LogDapr.Configuration.Aggregator;
using LogDapr.Contracts.Events;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace LogDapr.Aggregator.Query;

/// <summary>Reads counts for the query API (a direct Npgsql read: the named exception to "only through Dapr").</summary>
public sealed class MetricsReader(NpgsqlDataSource dataSource, IOptions<PostgresOptions> options)
{
    private readonly string schema = options.Value.Schema;

    /// <returns>The answer, or null when the query matches more than <paramref name="maxRows"/> rows.</returns>
    public Task<MetricsResult?> ReadAsync(MetricsQuery query, int maxRows, CancellationToken cancellationToken)
        => TransientReads.RunAsync(dataSource, ct => ReadOnceAsync(query, maxRows, ct), cancellationToken);

    private async Task<MetricsResult?> ReadOnceAsync(MetricsQuery query, int maxRows, CancellationToken cancellationToken)
    {
        // Severity is filtered after reading so the error rate is always over all severities of the service.
        await using var command = dataSource.CreateCommand($"""
            SELECT date_bin(@step, bucket_start, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS b,
                   tenant_id, service, severity, sum(event_count)::bigint
            FROM {schema}.log_counts
            WHERE bucket_start >= @from AND bucket_start < @to
              AND (@tenant::text IS NULL OR tenant_id = @tenant)
              AND (@service::text IS NULL OR service = @service)
            GROUP BY 1, 2, 3, 4
            ORDER BY 1, 2, 3, 4
            LIMIT @limit
            """);
        // One row more than allowed tells "too many" without reading them all.
        command.Parameters.AddWithValue("limit", maxRows + 1);
        command.Parameters.AddWithValue("step", query.Step);
        command.Parameters.AddWithValue("from", query.From);
        command.Parameters.AddWithValue("to", query.To);
        command.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlDbType.Text) { Value = (object?)query.TenantId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("service", NpgsqlDbType.Text) { Value = (object?)query.Service ?? DBNull.Value });

        var rows = new List<CountPoint>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (rows.Count == maxRows)
                {
                    return null;
                }

                rows.Add(new CountPoint(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4)));
            }
        }

        return MetricsShaping.Shape(query, rows);
    }
}
