using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Query;

/// <summary>A validated metrics query: [From, To) in steps of Step, optionally filtered.</summary>
public sealed record MetricsQuery(
    DateTimeOffset From,
    DateTimeOffset To,
    TimeSpan Step,
    string? TenantId,
    string? Service,
    Severity? Severity);
