namespace LogDapr.Aggregator.Database;

/// <summary>Set once migrations are applied; until then deliveries are answered RETRY and readiness reports why.</summary>
public sealed class SchemaReadiness(TimeProvider time)
{
    private readonly DateTimeOffset startedAt = time.GetUtcNow();
    private volatile bool ready;
    private volatile string? lastError = "migrations not applied yet";

    public bool IsReady => ready;
    public string? LastError => lastError;

    /// <summary>Time since the process started, to tell a database that is still starting from one that is down.</summary>
    public TimeSpan SinceStart => time.GetUtcNow() - startedAt;

    public void MarkReady()
    {
        lastError = null;
        ready = true;
    }

    public void MarkFailed(string error) => lastError = error;
}
