using System.Text.Json;
using LogDapr.Aggregator.Database;
using LogDapr.Configuration.Aggregator;
using LogDapr.Processing.Enrichment;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace LogDapr.Aggregator.Enrichment;

/// <summary>
/// Reads enrichment metadata with Npgsql (the named exception for reads, see README): the API's get and list, and the
/// lookup's third tier, one query for all the keys of a batch.
/// </summary>
public sealed class MetadataReader(NpgsqlDataSource dataSource, IOptions<PostgresOptions> options)
{
    private readonly string schema = options.Value.Schema;

    public Task<MetadataRow?> GetAsync(MetadataKey key, CancellationToken cancellationToken)
        => TransientReads.RunAsync(dataSource, async ct =>
        {
            await using var command = dataSource.CreateCommand($"SELECT kind, name, attributes::text, updated_at FROM {schema}.enrichment_metadata WHERE kind = @kind AND name = @name");
            command.Parameters.AddWithValue("kind", MetadataKinds.Text(key.Kind));
            command.Parameters.AddWithValue("name", key.Name);
            var rows = await ReadAllAsync(command, ct).ConfigureAwait(false);
            return rows.Count == 0 ? null : rows[0];
        }, cancellationToken);

    /// <summary>Rows of one kind ordered by name, keyset-paged: the next page starts after <paramref name="after"/>.</summary>
    public Task<List<MetadataRow>> ListAsync(MetadataKind kind, string? after, int limit, CancellationToken cancellationToken)
        => TransientReads.RunAsync(dataSource, async ct =>
        {
            // The column is COLLATE "C": byte order, the primary key's, so a page is a range scan of the index.
            await using var command = dataSource.CreateCommand($"""
                SELECT kind, name, attributes::text, updated_at FROM {schema}.enrichment_metadata
                WHERE kind = @kind AND (@after::text IS NULL OR name > @after)
                ORDER BY name LIMIT @limit
                """);
            command.Parameters.AddWithValue("kind", MetadataKinds.Text(kind));
            command.Parameters.Add(new NpgsqlParameter("after", NpgsqlDbType.Text) { Value = (object?)after ?? DBNull.Value });
            command.Parameters.AddWithValue("limit", limit);
            return await ReadAllAsync(command, ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>The rows of the given keys that exist; one statement whatever the number of keys. No retry: the caller's timeout rules.</summary>
    public async Task<List<MetadataRow>> FindAsync(IReadOnlyList<MetadataKey> keys, CancellationToken cancellationToken)
    {
        var kinds = new string[keys.Count];
        var names = new string[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            kinds[i] = MetadataKinds.Text(keys[i].Kind);
            names[i] = keys[i].Name;
        }

        await using var command = dataSource.CreateCommand($"""
            SELECT m.kind, m.name, m.attributes::text, m.updated_at
            FROM unnest(@kinds::text[], @names::text[]) AS k(kind, name)
            JOIN {schema}.enrichment_metadata m ON m.kind = k.kind AND m.name = k.name
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]>("kinds", kinds));
        command.Parameters.Add(new NpgsqlParameter<string[]>("names", names));
        return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<MetadataRow>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<MetadataRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!MetadataKinds.TryParse(reader.GetString(0), out var kind))
            {
                continue;
            }

            rows.Add(new MetadataRow(new MetadataKey(kind, reader.GetString(1)), ParseAttributes(reader.GetString(2)), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return rows;
    }

    /// <summary>A JSON object; a non-string value (a row written around the API) is kept as its JSON text.</summary>
    public static Dictionary<string, string> ParseAttributes(string json)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return attributes;
        }

        foreach (var property in document.RootElement.EnumerateObject())
        {
            attributes[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        }

        return attributes;
    }
}
