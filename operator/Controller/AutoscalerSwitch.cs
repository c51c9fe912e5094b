using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;

namespace LogDapr.Operator.Controller;

/// <summary>
/// When the aggregator switches between an HPA and a KEDA ScaledObject (backlog set or removed), the autoscaler of the
/// other kind is deleted before the new one is applied instead of at pruning time: KEDA's admission webhook refuses a
/// ScaledObject whose workload is already the target of an HPA it does not own (kedacore/keda
/// apis/keda/v1alpha1/scaledobject_webhook.go verifyHpas), so applying first would fail on every reconcile and the
/// old HPA, pruned only after a successful apply, would never go; and in the other direction two HPAs would fight
/// over the replica count until the prune. Both are named after the Deployment they scale.
/// </summary>
internal static class AutoscalerSwitch
{
    public static async Task RemoveReplacedAsync(IKubeApi api, OwnedObjects owned, RenderedObject rendered, IReadOnlyList<RenderedObject> all, CancellationToken cancellationToken)
    {
        ResourceType other;
        if (rendered.Type == KnownResources.KedaScaledObjects)
        {
            other = KnownResources.HorizontalPodAutoscalers;
        }
        else if (rendered.Type == KnownResources.HorizontalPodAutoscalers)
        {
            other = KnownResources.KedaScaledObjects;
        }
        else
        {
            return;
        }
        var @namespace = rendered.Object.Namespace() ?? "";
        var ownerUid = rendered.Object.ControllerOwner()?.GetString("uid");
        if (all.Any(o => o.Type == other && o.Name == rendered.Name)
            || owned.Find(other, @namespace, rendered.Name) is not { } previous
            || previous.ControllerOwner()?.GetString("uid") != ownerUid)
        {
            return;
        }
        try
        {
            await api.DeleteAsync(other, @namespace, rendered.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            // Gone already: the cache was behind.
        }
    }
}
