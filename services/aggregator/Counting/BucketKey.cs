using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Counting;

/// <summary>What one count row is keyed by: tenant, service, severity and the start of its time bucket.</summary>
public readonly record struct BucketKey(string TenantId, string Service, Severity Severity, DateTimeOffset BucketStart);
