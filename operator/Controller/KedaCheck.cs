using System.Net;
using LogDapr.Operator.Keda;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;

namespace LogDapr.Operator.Controller;

/// <summary>
/// Before anything is applied: when a pipeline renders KEDA objects (backlog scaling), the cluster must serve their
/// kinds, read as the Dapr check reads Dapr's (the CRD by name). KEDA is optional, so only a pipeline that asks for it
/// is checked, and only such a pipeline is blocked.
/// </summary>
public sealed class KedaCheck(IKubeApi api)
{
    /// <summary>The message to report, or null when KEDA is there (or its CRDs cannot be read: the apply then tells).</summary>
    public async Task<string?> MissingAsync(IReadOnlyList<RenderedObject> objects, CancellationToken cancellationToken)
    {
        foreach (var type in KedaSupport.RenderedKinds.Where(kind => objects.Any(o => o.Type == kind)))
        {
            try
            {
                await api.GetAsync(KnownResources.CustomResourceDefinitions, null, KedaSupport.CrdName(type), cancellationToken).ConfigureAwait(false);
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                return NotInstalledMessage(type);
            }
            catch (KubeApiException e) when (e.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
            {
                // Not allowed to look: go ahead; a missing kind then fails the apply, reported the same way.
            }
        }
        return null;
    }

    public static string NotInstalledMessage(ResourceType type) =>
        $"spec.aggregator.autoscaling.backlog needs KEDA, but the CRD {KedaSupport.CrdName(type)} is not installed. Install KEDA 2.x (e.g. its Helm chart, kedacore/keda), "
        + "or remove backlog to scale on CPU and memory with a HorizontalPodAutoscaler. Nothing is applied until then.";
}
