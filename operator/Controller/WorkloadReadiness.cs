using k8s.Models;

namespace LogDapr.Operator.Controller;

/// <summary>
/// Whether the applied Deployments have rolled out (the controller saw the latest spec and every replica is updated
/// and available), and which of them the Deployment controller gave up on.
/// </summary>
internal static class WorkloadReadiness
{
    /// <summary>The reason the Deployment controller puts on Progressing=False once spec.progressDeadlineSeconds passed.</summary>
    public const string ProgressDeadlineExceeded = "ProgressDeadlineExceeded";

    /// <param name="Ready">Every Deployment rolled out.</param>
    /// <param name="WaitingFor">What is not rolled out yet (empty when ready).</param>
    /// <param name="Stuck">Deployments whose rollout exceeded its progress deadline, e.g. pods in ImagePullBackOff or CrashLoopBackOff, with the controller's message; empty when none.</param>
    public sealed record Result(bool Ready, string WaitingFor, string Stuck);

    public static Result Of(IEnumerable<V1Deployment> deployments)
    {
        var waiting = new List<string>();
        var stuck = new List<string>();
        foreach (var deployment in deployments)
        {
            var desired = deployment.Spec?.Replicas ?? 1;
            var status = deployment.Status;
            var observed = status?.ObservedGeneration ?? 0;
            var updated = status?.UpdatedReplicas ?? 0;
            var available = status?.AvailableReplicas ?? 0;
            var current = observed >= (deployment.Metadata?.Generation ?? 0);
            if (!current || updated < desired || available < desired)
            {
                waiting.Add($"Deployment {deployment.Metadata?.Name}: {available}/{desired} replicas available");
            }
            // Only a status of the current generation: after a spec change the controller starts a new deadline.
            var progressing = status?.Conditions?.FirstOrDefault(c => c.Type == "Progressing");
            if (current && progressing is { Status: "False", Reason: ProgressDeadlineExceeded })
            {
                stuck.Add($"Deployment {deployment.Metadata?.Name} exceeded its progress deadline ({available}/{desired} replicas available): {progressing.Message}");
            }
        }
        var stuckMessage = stuck.Count == 0
            ? ""
            : string.Join("; ", stuck) + ". Its pods do not become available (an image that cannot be pulled, a crash loop, unschedulable pods...): see `kubectl describe pods` and `kubectl get events` for the pipeline's pods.";
        return new Result(waiting.Count == 0, waiting.Count == 0 ? "" : "Waiting for " + string.Join("; ", waiting) + ".", stuckMessage);
    }
}
