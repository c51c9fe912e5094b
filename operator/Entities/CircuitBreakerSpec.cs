using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("Circuit-breaker thresholds.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class CircuitBreakerSpec
{
    [Description("Consecutive failures that open the circuit.")]
    [Range(1, 10_000)]
    public int ConsecutiveFailures { get; set; } = 10;

    [Description("Seconds the circuit stays open before half-open probes.")]
    [Range(1, 3600)]
    public int OpenSeconds { get; set; } = 30;

    [Description("Requests allowed through while half-open.")]
    [Range(1, 1000)]
    public int HalfOpenMaxRequests { get; set; } = 1;
}
