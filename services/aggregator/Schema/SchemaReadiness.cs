namespace LogDapr.Aggregator.Schema;

/// <summary>Set once migrations are applied; until then deliveries are answered RETRY and readiness reports why.</summary>
public sealed class SchemaReadiness
{
    private volatile bool ready;
    private volatile string? lastError = "migrations not applied yet";

    public bool IsReady => ready;
    public string? LastError => lastError;

    public void MarkReady()
    {
        lastError = null;
        ready = true;
    }

    public void MarkFailed(string error) => lastError = error;
}
