using Npgsql;

namespace LogDapr.Aggregator.Store.Archive;

/// <summary>Exports one tenant's events of one UTC day before retention removes them.</summary>
public interface ITenantDayArchive
{
    /// <summary>False when Store:Archive:Enabled is off: retention removes without exporting.</summary>
    bool Enabled { get; }

    /// <summary>
    /// Writes the tenant-day's parts and manifest; reads the rows on <paramref name="connection"/> (not in use
    /// elsewhere while this runs).
    /// </summary>
    /// <returns>The manifest written; an exception means nothing may be removed.</returns>
    Task<ArchiveManifest> ArchiveAsync(NpgsqlConnection connection, string tenant, DateOnly day, CancellationToken cancellationToken);
}
