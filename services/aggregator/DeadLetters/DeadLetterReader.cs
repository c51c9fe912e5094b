using LogDapr.Aggregator.Database;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LogDapr.Aggregator.DeadLetters;

/// <summary>Reads dead letters for the query API (reads are the named exception that use Npgsql directly).</summary>
public sealed class DeadLetterReader(NpgsqlDataSource dataSource, IOptions<PostgresOptions> options)
{
    private readonly string schema = options.Value.Schema;

    private string Columns => "id, message_id, topic, reason, first_seen, last_seen, attempts, replay_count, last_replayed_at, payload, tenant_id";

    /// <summary>
    /// Newest first, keyset-paged: pass the last id of a page as <paramref name="beforeId"/> to get the next.
    /// A <paramref name="tenant"/> limits the list to that tenant's dead letters.
    /// </summary>
    public async Task<IReadOnlyList<DeadLetter>> ListAsync(int limit, long? beforeId, string? tenant, CancellationToken cancellationToken)
        => await TransientReads.RunAsync(dataSource, ct => ListOnceAsync(limit, beforeId, tenant, ct), cancellationToken).ConfigureAwait(false);

    public Task<DeadLetter?> GetAsync(long id, CancellationToken cancellationToken)
        => TransientReads.RunAsync(dataSource, ct => GetOnceAsync(id, ct), cancellationToken);

    private async Task<IReadOnlyList<DeadLetter>> ListOnceAsync(int limit, long? beforeId, string? tenant, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM {schema}.dead_letters
            WHERE (@before::bigint IS NULL OR id < @before) AND (@tenant::text IS NULL OR tenant_id = @tenant)
            ORDER BY id DESC LIMIT @limit
            """);
        command.Parameters.Add(new NpgsqlParameter<long?>("before", beforeId) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)tenant ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DeadLetter?> GetOnceAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM {schema}.dead_letters WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        var rows = await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    private static async Task<List<DeadLetter>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new DeadLetter(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetFieldValue<DateTimeOffset>(5),
                reader.GetInt32(6),
                reader.GetInt32(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
                reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetString(10)));
        }

        return rows;
    }
}
