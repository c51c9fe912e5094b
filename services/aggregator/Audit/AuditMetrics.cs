using System.Diagnostics.Metrics;
using LogDapr.Aggregator.Observability;

namespace LogDapr.Aggregator.Audit;

/// <summary>The audit trail's instruments (meter LogDapr.Aggregator, names logdapr.audit.*).</summary>
public sealed class AuditMetrics
{
    private readonly Counter<long> suppressed;
    private readonly Counter<long> writeFailures;
    private long suppressedTotal;

    public AuditMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(AggregatorTelemetry.Name);
        suppressed = meter.CreateCounter<long>("logdapr.audit.auth_failures.suppressed", "{failure}",
            "API key failures not recorded in audit_log because their address or the replica reached its per-minute limit.");
        writeFailures = meter.CreateCounter<long>("logdapr.audit.write_failures", "{record}",
            "Audit records that could not be written (Postgres unavailable), by action.");
    }

    public long SuppressedTotal => Interlocked.Read(ref suppressedTotal);

    public void Suppressed()
    {
        Interlocked.Increment(ref suppressedTotal);
        suppressed.Add(1);
    }

    public void WriteFailed(string action) => writeFailures.Add(1, new KeyValuePair<string, object?>("action", action));
}
