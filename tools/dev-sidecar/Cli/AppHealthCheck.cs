namespace LogDapr.DevSidecar.Cli;

/// <summary>
/// daprd's app health checks (v1.16 cmd/daprd/options/options.go, defaults from pkg/config/app_connection.go and
/// pkg/runtime/config.go): off unless --enable-app-health-check; GET the path every interval with the timeout; after
/// threshold consecutive failures the app is unhealthy and its subscriptions stop until a probe succeeds.
/// </summary>
public sealed record AppHealthCheck(bool Enabled, string Path, TimeSpan ProbeInterval, TimeSpan ProbeTimeout, int Threshold)
{
    public static AppHealthCheck Disabled { get; } = new(false, "/healthz", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(500), 3);
}
