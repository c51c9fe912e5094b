using LogDapr.Ingest.Intake;
using LogDapr.Ingest.Observability;

namespace LogDapr.Ingest.Ingestion;

/// <summary>Exports ingest's counters at zero as the host starts (see <see cref="IngestMetrics.StartAtZero"/>).</summary>
internal sealed class IngestMetricsStartup(IngestMetrics metrics) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        metrics.StartAtZero(IngestOutcomeFilter.Reasons, IngestProtocol.All);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
