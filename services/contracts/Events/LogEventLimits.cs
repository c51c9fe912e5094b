namespace LogDapr.Contracts.Events;

/// <summary>Per-event and per-payload limits. Ingest binds these from configuration (section "Ingest").</summary>
public sealed record LogEventLimits
{
    public int MaxEventsPerBatch { get; init; } = 10_000;
    public int MaxMessageBytes { get; init; } = 32 * 1024;
    public int MaxAttributes { get; init; } = 64;
    public int MaxAttributeKeyLength { get; init; } = 128;
    public int MaxAttributeValueBytes { get; init; } = 4 * 1024;
    public int MaxIdLength { get; init; } = 128;
    public int MaxTenantIdLength { get; init; } = 64;
    public int MaxServiceLength { get; init; } = 128;
    public int MaxHostLength { get; init; } = 255;
    /// <summary>How far in the future (relative to receive time) a timestamp may be.</summary>
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromMinutes(15);

    public static LogEventLimits Default { get; } = new();
}
