using System.Text.Json.Nodes;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;

namespace LogDapr.Operator.Controller;

/// <summary>
/// Hands spec.replicas of a Deployment over to its autoscaler without a dip to one replica. Once autoscaling is on,
/// the operator applies the Deployment without spec.replicas; but a field its manager applied before and no longer
/// applies is removed by server-side apply, and the API server then defaults replicas to 1, until the HPA notices.
/// So first the current value is applied by a second field manager, which keeps the field when the operator lets go
/// of it; the HPA (or kubectl scale) takes the field over from that manager the first time it writes the replica
/// count. This is the recipe of the Kubernetes documentation, "Server-Side Apply", section "Transferring ownership"
/// (kubernetes.io/docs/reference/using-api/server-side-apply/#transferring-ownership).
/// </summary>
internal static class ReplicaHandover
{
    public const string FieldManager = "logdapr-operator-replicas-handover";

    public static async Task HandOverAsync(IKubeApi api, OwnedObjects owned, RenderedObject rendered, CancellationToken cancellationToken)
    {
        if (rendered.Type != KnownResources.Deployments || rendered.Object["spec"]?["replicas"] is not null)
        {
            return;
        }
        var @namespace = rendered.Object.Namespace() ?? "";
        if (owned.Find(rendered.Type, @namespace, rendered.Name) is not { } live
            || live["spec"]?["replicas"] is not JsonValue replicas
            || !MayOwnReplicas(live))
        {
            return;
        }
        var patch = new JsonObject
        {
            ["apiVersion"] = rendered.Type.ApiVersion,
            ["kind"] = rendered.Type.Kind,
            ["metadata"] = new JsonObject { ["name"] = rendered.Name, ["namespace"] = @namespace },
            ["spec"] = new JsonObject { ["replicas"] = replicas.DeepClone() },
        };
        try
        {
            // No force: if the value changed meanwhile, someone else (the HPA) owns it already and nothing is lost.
            await api.ApplyAsync(rendered.Type, patch, FieldManager, force: false, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.IsConflict)
        {
            // Owned by another manager with another value: the handover has happened.
        }
    }

    /// <summary>
    /// Whether the operator's field manager may own spec.replicas: it does when managedFields says so; when the cached
    /// object carries no managedFields the handover is made anyway (it is a no-op when nothing changes).
    /// </summary>
    private static bool MayOwnReplicas(JsonObject live)
    {
        if (live["metadata"]?["managedFields"] is not JsonArray managed)
        {
            return true;
        }
        return managed.OfType<JsonObject>().Any(entry =>
            entry["manager"]?.GetValue<string>() == OperatorOptions.FieldManager
            && entry["fieldsV1"]?["f:spec"]?["f:replicas"] is not null);
    }
}
