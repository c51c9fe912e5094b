using System.Diagnostics.Metrics;
using LogDapr.Aggregator.Observability;
using LogDapr.ServiceDefaults.Observability.Stats;

namespace LogDapr.Aggregator.Store.Retention;

/// <summary>
/// Retention's instruments (meter LogDapr.Aggregator, names logdapr.store.retention.*), tagged with the table they
/// concern (log_events in the store role; log_counts and dead_letters in the counter role).
/// </summary>
public sealed class RetentionMetrics : IStatsSource
{
    public const string Completed = "completed";
    public const string Skipped = "skipped";
    public const string Failed = "failed";

    private readonly TrackedCounter partitionsDropped;
    private readonly TrackedCounter rowsDeleted;
    private readonly Counter<long> runs;
    private readonly TrackedCounter archiveFailures;
    private readonly Gauge<double> lastRunDuration;
    private long runCount;

    public RetentionMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(AggregatorTelemetry.Name);
        partitionsDropped = new TrackedCounter(meter, "logdapr.store.retention.partitions_dropped", "{partition}", "Expired partitions retention dropped.", "table");
        rowsDeleted = new TrackedCounter(meter, "logdapr.store.retention.rows_deleted", "{row}", "Rows retention deleted one by one: per-tenant retention shorter than the partitions', default partitions, unpartitioned tables.", "table");
        runs = meter.CreateCounter<long>("logdapr.store.retention.runs", "{run}", "Retention runs per table, by outcome: completed, skipped (another replica held the lock) or failed.");
        archiveFailures = new TrackedCounter(meter, "logdapr.store.retention.archive_failures", "{day}", "Tenant-days whose archive failed: their partition or rows stay until a later run archives them.", "table");
        lastRunDuration = meter.CreateGauge<double>("logdapr.store.retention.last_run.duration", "s", "Duration of the last completed retention run, per table.");
    }

    public long DroppedTotal => partitionsDropped.Total;

    public long DeletedTotal => rowsDeleted.Total;

    public long ArchiveFailuresTotal => archiveFailures.Total;

    public void Dropped(string table) => partitionsDropped.Add(1, table);

    public void Deleted(string table, long rows)
    {
        if (rows > 0)
        {
            rowsDeleted.Add(rows, table);
        }
    }

    public void ArchiveFailed(string table) => archiveFailures.Add(1, table);

    public void Run(string table, string outcome, TimeSpan? duration = null)
    {
        Interlocked.Increment(ref runCount);
        runs.Add(1, new KeyValuePair<string, object?>("table", table), new KeyValuePair<string, object?>("outcome", outcome));
        if (duration is { } d)
        {
            lastRunDuration.Record(d.TotalSeconds, new KeyValuePair<string, object?>("table", table));
        }
    }

    public void Contribute(StatsSnapshotBuilder snapshot) => snapshot
        .Count("retention_partitions_dropped", partitionsDropped.Total)
        .Count("retention_rows_deleted", rowsDeleted.Total)
        .Count("retention_runs", Interlocked.Read(ref runCount))
        .Count("retention_archive_failures", archiveFailures.Total);
}
