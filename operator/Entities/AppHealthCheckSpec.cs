using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

/// <summary>
/// Dapr app health checks (dapr.io/enable-app-health-check and the dapr.io/app-health-* annotations, dapr/dapr v1.16.0
/// pkg/injector/annotations/annotations.go). daprd probes the app and, while it fails, stops its subscriptions
/// (pkg/runtime/runtime.go appHealthChanged) instead of using up delivery attempts on an app that cannot take them.
/// </summary>
[Description("Dapr app health checks of the aggregator: daprd calls path every probeIntervalSeconds and, after threshold failures in a row, stops delivering messages until the check passes again, instead of spending delivery attempts on an aggregator that cannot take them.")]
[CelRule("self.probeTimeoutMilliseconds <= self.probeIntervalSeconds * 1000", "aggregator.appHealthCheck.probeTimeoutMilliseconds must not exceed probeIntervalSeconds (daprd refuses to start otherwise)", FieldPath = ".probeTimeoutMilliseconds")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class AppHealthCheckSpec
{
    [Description("Probe the aggregator and pause deliveries while it is unhealthy.")]
    public bool Enabled { get; set; } = true;

    [Description("HTTP path daprd probes (GET, healthy on 2xx). The default /readyz fails while Postgres or the sidecar is unreachable or the schema is not migrated, i.e. exactly while the aggregator could only ask for redelivery; /healthz pauses only when the process does not answer.")]
    [Pattern(@"^/[!-~]*$")]
    [Length(1, 256)]
    public string Path { get; set; } = "/readyz";

    [Description("Seconds between probes (dapr.io/app-health-probe-interval).")]
    [Range(1, 300)]
    public int ProbeIntervalSeconds { get; set; } = 5;

    [Description("Milliseconds one probe may take (dapr.io/app-health-probe-timeout); at most probeIntervalSeconds. The default leaves room for the readiness checks' own 2 s timeouts.")]
    [Range(1, 300_000)]
    public int ProbeTimeoutMilliseconds { get; set; } = 3000;

    [Description("Failed probes in a row before deliveries pause (dapr.io/app-health-threshold).")]
    [Range(1, 100)]
    public int Threshold { get; set; } = 3;
}
