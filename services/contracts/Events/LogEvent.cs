namespace LogDapr.Contracts.Events;

/// <summary>A validated, normalized LogEvent v1. Instances only come out of <see cref="LogEventReader"/> or tests.</summary>
public sealed class LogEvent
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    public required Severity Severity { get; init; }
    public required string Service { get; init; }
    public required string Message { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Attributes { get; init; } = [];
    public string? TraceId { get; init; }
    public string? SpanId { get; init; }
    public string? Host { get; init; }

    /// <summary>True when the payload carried no id and the reader made one (see <see cref="LogEventReader.Read"/>).</summary>
    public bool IdGenerated { get; init; }
}
