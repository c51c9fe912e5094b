using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("Outbound sink policy.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class SinkResiliencySpec
{
    [Description("Seconds one binding call may take.")]
    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 10;

    [Description("Retries of a failed binding call (constant backoff).")]
    [Range(0, 100)]
    public int MaxRetries { get; set; } = 2;

    [Description("Milliseconds between retries.")]
    [Range(1, 600_000)]
    public int RetryIntervalMilliseconds { get; set; } = 500;

    [Description("Circuit breaker: stop calling Postgres after consecutive failures, probe again after openSeconds.")]
    public CircuitBreakerSpec CircuitBreaker { get; set; } = new();
}
