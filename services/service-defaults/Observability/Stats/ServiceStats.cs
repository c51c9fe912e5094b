namespace LogDapr.ServiceDefaults.Observability.Stats;

/// <summary>Process-wide facts for /v1/stats: when the service started and the last error it reported.</summary>
public sealed class ServiceStats(TimeProvider time)
{
    private LastError? lastError;

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    public TimeSpan Uptime => time.GetUtcNow() - StartedAt;

    public LastError? LastError => Volatile.Read(ref lastError);

    /// <summary>Remembers the latest failure worth a human's attention (never payloads or secrets: callers pass reasons).</summary>
    public void RecordError(string component, string message) => Volatile.Write(ref lastError, new LastError(time.GetUtcNow(), component, message));
}

public sealed record LastError(DateTimeOffset At, string Component, string Message);
