using System.Globalization;
using System.Text.Json;
using Dapr;
using Dapr.Client;
using LogDapr.Aggregator.Audit;
using LogDapr.Aggregator.Sink;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Enrichment;
using LogDapr.Configuration.Pipeline;
using LogDapr.Processing.Enrichment;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Enrichment;

/// <summary>
/// Writes metadata rows through the Postgres binding (like every other write), then makes the state store entry of
/// the key follow (replaced on a PUT, removed on a DELETE) so the lookup's second tier is not stale. Postgres is the
/// truth: when the state store cannot follow, the result says so and a retry of the same (idempotent) request repairs it.
/// </summary>
public sealed class MetadataWriter(ISqlBinding binding, DaprClient dapr, IOptions<PostgresOptions> postgres, IOptions<PipelineOptions> pipeline,
    IOptions<EnrichmentOptions> options)
{
    // Without a row to replace, INSERT ... DO NOTHING affects nothing and the UPDATE does the replacing; a row deleted
    // between the two makes the UPDATE affect nothing, and the INSERT is tried again. exec reports rows affected only,
    // which is all this needs to tell 201 from 200 without a race.
    private const int MaxAttempts = 3;

    private readonly string schema = postgres.Value.Schema;
    private readonly string stateStore = options.Value.StateStore(pipeline.Value.StateStoreName);

    /// <param name="audit">The request's audit record: written by the statement that makes the change, so both commit or neither.</param>
    public async Task<MetadataWriteResult> PutAsync(MetadataKey key, IReadOnlyDictionary<string, string> attributes, AuditScope? audit, CancellationToken cancellationToken)
    {
        var kind = MetadataKinds.Text(key.Kind);
        object?[] parameters = [kind, key.Name, JsonSerializer.Serialize(attributes)];
        var outcome = MetadataWriteOutcome.NotFound;
        for (var attempt = 0; attempt < MaxAttempts && outcome == MetadataWriteOutcome.NotFound; attempt++)
        {
            if (await ExecAuditedAsync(
                    $"INSERT INTO {schema}.enrichment_metadata (kind, name, attributes, updated_at) VALUES ($1, $2, $3::jsonb, now()) ON CONFLICT (kind, name) DO NOTHING",
                    parameters, audit, StatusCodes.Status201Created, cancellationToken).ConfigureAwait(false) > 0)
            {
                outcome = MetadataWriteOutcome.Created;
            }
            else if (await ExecAuditedAsync(
                         $"UPDATE {schema}.enrichment_metadata SET attributes = $3::jsonb, updated_at = now() WHERE kind = $1 AND name = $2",
                         parameters, audit, StatusCodes.Status200OK, cancellationToken).ConfigureAwait(false) > 0)
            {
                outcome = MetadataWriteOutcome.Replaced;
            }
        }

        if (outcome == MetadataWriteOutcome.NotFound)
        {
            throw new InvalidOperationException($"metadata {kind}/{key.Name} was neither inserted nor updated in {MaxAttempts} attempts (concurrent deletes)");
        }

        var error = await FollowAsync(() => dapr.SaveStateAsync(stateStore, MetadataStateEntry.Key(key), MetadataStateEntry.For(attributes),
            metadata: TtlMetadata(options.Value.StateStoreEntryTtl), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new MetadataWriteResult(outcome, error);
    }

    /// <param name="audit">The request's audit record: written by the DELETE itself, so both commit or neither.</param>
    public async Task<MetadataWriteResult> DeleteAsync(MetadataKey key, AuditScope? audit, CancellationToken cancellationToken)
    {
        var deleted = await ExecAuditedAsync(
            $"DELETE FROM {schema}.enrichment_metadata WHERE kind = $1 AND name = $2",
            [MetadataKinds.Text(key.Kind), key.Name], audit, StatusCodes.Status204NoContent, cancellationToken).ConfigureAwait(false);
        if (deleted == 0)
        {
            return new MetadataWriteResult(MetadataWriteOutcome.NotFound, null);
        }

        var error = await FollowAsync(() => dapr.DeleteStateAsync(stateStore, MetadataStateEntry.Key(key), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new MetadataWriteResult(MetadataWriteOutcome.Deleted, error);
    }

    /// <summary>Runs a change; with an audit scope, the same statement appends the record when the change touched a row.</summary>
    private async Task<long> ExecAuditedAsync(string change, object?[] parameters, AuditScope? audit, int status, CancellationToken cancellationToken)
    {
        if (audit is null)
        {
            return await binding.ExecAsync(change, PostgresBinding.Params(parameters), cancellationToken).ConfigureAwait(false);
        }

        var changed = await binding.ExecAsync(AuditSql.WithRecord(schema, change, parameters.Length),
            PostgresBinding.Params([.. parameters, .. AuditSql.Values(audit.Entry(status))]), cancellationToken).ConfigureAwait(false);
        if (changed > 0)
        {
            audit.MarkRecorded();
        }

        return changed;
    }

    public static Dictionary<string, string> TtlMetadata(TimeSpan ttl)
        => new(StringComparer.Ordinal) { ["ttlInSeconds"] = Math.Max(1, (long)Math.Ceiling(ttl.TotalSeconds)).ToString(CultureInfo.InvariantCulture) };

    private static async Task<string?> FollowAsync(Func<Task> update)
    {
        try
        {
            await update().ConfigureAwait(false);
            return null;
        }
        catch (DaprException ex)
        {
            return ex.InnerException?.Message ?? ex.Message;
        }
    }
}
