using System.IO.Compression;
using System.Security.Cryptography;
using LogDapr.Aggregator.Database.Partitions;
using LogDapr.Aggregator.Sink;
using LogDapr.Aggregator.Store.Archive;
using LogDapr.Aggregator.Store.Retention;
using LogDapr.Aggregator.Store.Writing;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Store;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LogDapr.Aggregator.Store.Restore;

public enum RestoreStatus
{
    Restored,
    NotFound,
    Expired,
    Corrupt,
    Unavailable,
}

public sealed record RestoreResult(RestoreStatus Status, string Tenant, DateOnly Day, long Events = 0, long Inserted = 0, int Parts = 0, string? Error = null);

/// <summary>
/// Puts an archived tenant-day back into log_events: reads its manifest and parts through the archive binding, checks
/// each part's size and SHA-256 against the manifest, and inserts the events with the store's own exactly-once statement
/// (same key (tenant, day, event id), same rows), in statements bounded like live writes. Restoring twice inserts nothing
/// the second time.
/// </summary>
/// <remarks>
/// Why not re-publish onto the logs topic: every consumer group would receive the events again, and the counter would
/// count them a second time: its dedup (processed_messages) forgets message ids after Postgres:DedupRetentionDays, while
/// the day's counts are still in log_counts (counts are kept far longer than events). Writing through the store's key
/// restores exactly the archived events and nothing else.
/// A day that retention would remove again at its next run is refused (<see cref="RestoreStatus.Expired"/>): extend the
/// tenant's EventsDays override first. A day whose partition is missing (dropped) gets it back before the insert.
/// </remarks>
public sealed partial class ArchiveRestorer(
    IArchiveBinding binding,
    ISqlBinding sql,
    NpgsqlDataSource dataSource,
    IOptions<PostgresOptions> postgres,
    IOptions<StoreOptions> store,
    TimeProvider time,
    ILogger<ArchiveRestorer> logger)
{
    public async Task<RestoreResult> RestoreAsync(string tenant, DateOnly day, CancellationToken cancellationToken)
    {
        var options = store.Value;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (RetentionPolicy.IsExpired(day, today, RetentionPolicy.From(options.Retention, RetentionKind.Events).DaysFor(tenant)))
        {
            return new RestoreResult(RestoreStatus.Expired, tenant, day, Error: $"{day:yyyy-MM-dd} is past tenant '{tenant}''s events retention; retention would remove it again at its next run. Extend the tenant's EventsDays (Store:Retention:Tenants) first.");
        }

        ArchiveManifest manifest;
        try
        {
            manifest = ArchiveManifest.Parse(await binding.GetAsync(ArchiveNames.Manifest(options.Archive.Prefix, tenant, day), cancellationToken).ConfigureAwait(false));
        }
        catch (FormatException ex)
        {
            return new RestoreResult(RestoreStatus.Corrupt, tenant, day, Error: ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Both localstorage ("file not found") and s3 ("object not found") say so in their error text.
            return ex.ToString().Contains("not found", StringComparison.OrdinalIgnoreCase)
                ? new RestoreResult(RestoreStatus.NotFound, tenant, day, Error: $"no archive of tenant '{tenant}' on {day:yyyy-MM-dd}")
                : new RestoreResult(RestoreStatus.Unavailable, tenant, day, Error: ex.Message);
        }

        if (!string.Equals(manifest.TenantId, tenant, StringComparison.Ordinal) || manifest.Day != day)
        {
            return new RestoreResult(RestoreStatus.Corrupt, tenant, day, Error: "the manifest names another tenant or day");
        }

        await EnsurePartitionAsync(day, cancellationToken).ConfigureAwait(false);
        var schema = postgres.Value.Schema;
        var rows = new List<byte[]>();
        long rowBytes = 0, events = 0, inserted = 0;
        try
        {
            foreach (var part in manifest.Parts)
            {
                var content = await binding.GetAsync(ArchiveNames.Folder(options.Archive.Prefix, tenant, day) + "/" + part.Name, cancellationToken).ConfigureAwait(false);
                if (content.Length != part.ByteSize || !string.Equals(Convert.ToHexStringLower(SHA256.HashData(content)), part.Sha256, StringComparison.Ordinal))
                {
                    return new RestoreResult(RestoreStatus.Corrupt, tenant, day, events, inserted, Error: $"part {part.Name} does not match its size or SHA-256 in the manifest");
                }

                using var reader = new StreamReader(new GZipStream(new MemoryStream(content), CompressionMode.Decompress));
                while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
                {
                    var archived = ArchiveLine.Read(System.Text.Encoding.UTF8.GetBytes(line));
                    if (!string.Equals(archived.Event.TenantId, tenant, StringComparison.Ordinal))
                    {
                        return new RestoreResult(RestoreStatus.Corrupt, tenant, day, events, inserted, Error: $"part {part.Name} holds an event of another tenant");
                    }

                    var row = EventRowsStatement.Row(archived.Event, archived.MessageId, archived.ReceivedAt);
                    // The statement carries the rows as one JSON string: escaping can double their size.
                    if (rows.Count > 0 && (rows.Count >= options.MaxEventsPerStatement || (rowBytes + row.Length) * 2 > options.MaxStatementBytes))
                    {
                        inserted += await sql.ExecAsync(EventRowsStatement.Sql(schema), EventRowsStatement.Params(rows), cancellationToken).ConfigureAwait(false);
                        rows.Clear();
                        rowBytes = 0;
                    }

                    rows.Add(row);
                    rowBytes += row.Length;
                    events++;
                }
            }

            if (rows.Count > 0)
            {
                inserted += await sql.ExecAsync(EventRowsStatement.Sql(schema), EventRowsStatement.Params(rows), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException)
        {
            return new RestoreResult(RestoreStatus.Corrupt, tenant, day, events, inserted, Error: ex.Message);
        }
        catch (SinkException ex)
        {
            return new RestoreResult(RestoreStatus.Unavailable, tenant, day, events, inserted, Error: ex.Message);
        }

        LogRestored(logger, events, inserted, tenant, day);
        return new RestoreResult(RestoreStatus.Restored, tenant, day, events, inserted, manifest.Parts.Count);
    }

    private async Task EnsurePartitionAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var schema = postgres.Value.Schema;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var existing = await DailyPartitions.LogEvents.ListAsync(connection, schema, cancellationToken).ConfigureAwait(false);
        if (!existing.Contains(DailyPartitions.LogEvents.PartitionName(day)))
        {
            try
            {
                await DailyPartitions.LogEvents.CreateAsync(connection, schema, day, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateTable)
            {
                // Partition upkeep created it meanwhile.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored {Events} archived events ({Inserted} were missing) of tenant {Tenant} on {Day}")]
    private static partial void LogRestored(ILogger logger, long events, long inserted, string tenant, DateOnly day);
}
