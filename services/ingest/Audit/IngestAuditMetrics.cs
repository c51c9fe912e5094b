using System.Diagnostics.Metrics;
using LogDapr.Ingest.Observability;

namespace LogDapr.Ingest.Audit;

/// <summary>Ingest's audit instruments (meter LogDapr.Ingest, names logdapr.audit.*, as the aggregator's).</summary>
public sealed class IngestAuditMetrics
{
    private readonly Counter<long> suppressed;
    private readonly Counter<long> writeFailures;
    private readonly Counter<long> sent;

    public IngestAuditMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(IngestTelemetry.Name);
        suppressed = meter.CreateCounter<long>("logdapr.audit.auth_failures.suppressed", "{failure}",
            "API key failures not recorded because their address or the replica reached its per-minute limit, or the queue of records to send was full.");
        writeFailures = meter.CreateCounter<long>("logdapr.audit.write_failures", "{record}",
            "Audit records that could not be sent to the audit topic before they expired (sidecar or broker unavailable), by action.");
        sent = meter.CreateCounter<long>("logdapr.audit.sent", "{record}", "Audit records published to the audit topic, by action.");
    }

    public void Suppressed() => suppressed.Add(1);

    public void WriteFailed(string action) => writeFailures.Add(1, new KeyValuePair<string, object?>("action", action));

    public void Sent(string action) => sent.Add(1, new KeyValuePair<string, object?>("action", action));
}
