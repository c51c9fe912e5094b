using LogDapr.LoadGen.Payload;

namespace LogDapr.Bench.Harness;

/// <summary>The requests of one scenario and the options they were built from (which name its tenants).</summary>
public sealed record Workload(PayloadOptions Payload, IReadOnlyList<RequestTemplate> Templates)
{
    public static Workload Build(PayloadOptions payload) => new(payload, PayloadFactory.Build(payload));
}
