using Dapr.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LogDapr.ServiceDefaults.Health;

/// <summary>Ready only while the Dapr sidecar answers its health endpoint: without it nothing can be published or written.</summary>
public sealed class DaprSidecarHealthCheck(DaprClient dapr) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            return await dapr.CheckHealthAsync(timeout.Token).ConfigureAwait(false)
                ? HealthCheckResult.Healthy("sidecar reachable")
                : HealthCheckResult.Unhealthy("sidecar not healthy or not reachable");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("sidecar health check timed out after 2s");
        }
    }
}
