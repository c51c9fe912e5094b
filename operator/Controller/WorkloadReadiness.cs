using k8s.Models;

namespace LogDapr.Operator.Controller;

/// <summary>Whether the applied Deployments have rolled out: the controller saw the latest spec and every replica is updated and available.</summary>
internal static class WorkloadReadiness
{
    public static (bool Ready, string WaitingFor) Of(IEnumerable<V1Deployment> deployments)
    {
        var waiting = new List<string>();
        foreach (var deployment in deployments)
        {
            var desired = deployment.Spec?.Replicas ?? 1;
            var status = deployment.Status;
            var observed = status?.ObservedGeneration ?? 0;
            var updated = status?.UpdatedReplicas ?? 0;
            var available = status?.AvailableReplicas ?? 0;
            if (observed < (deployment.Metadata?.Generation ?? 0) || updated < desired || available < desired)
            {
                waiting.Add($"Deployment {deployment.Metadata?.Name}: {available}/{desired} replicas available");
            }
        }
        return waiting.Count == 0 ? (true, "") : (false, "Waiting for " + string.Join("; ", waiting) + ".");
    }
}
