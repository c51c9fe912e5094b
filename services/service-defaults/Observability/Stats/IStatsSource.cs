namespace LogDapr.ServiceDefaults.Observability.Stats;

/// <summary>Something that contributes counts since start and in-flight work to GET /v1/stats.</summary>
public interface IStatsSource
{
    void Contribute(StatsSnapshotBuilder snapshot);
}
