namespace LogDapr.Aggregator.Query;

/// <summary>Answer of GET /v1/metrics: counts per bucket, and the error rate per service per bucket.</summary>
public sealed record MetricsResult(
    DateTimeOffset From,
    DateTimeOffset To,
    string Step,
    IReadOnlyList<CountPoint> Buckets,
    IReadOnlyList<ErrorRatePoint> ErrorRates,
    long TotalEvents);

public sealed record CountPoint(DateTimeOffset BucketStart, string TenantId, string Service, string Severity, long Count);

/// <summary>Errors are events of severity error or fatal.</summary>
public sealed record ErrorRatePoint(DateTimeOffset BucketStart, string TenantId, string Service, long Total, long Errors, double ErrorRate);
