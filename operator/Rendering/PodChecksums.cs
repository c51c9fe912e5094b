using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// Pod template annotations that change when what a pod loads at start changes, so the Deployment rolls its pods.
/// daprd reads its Components, Resiliency policies and declarative Subscriptions when the sidecar starts (the Dapr
/// operator streams updates, but without the HotReload preview feature daprd does not apply them: "Updating
/// components", https://docs.dapr.io/operations/components/component-updates/), and Secret values reach daprd and the app
/// only when the pod starts (component secretKeyRef resolved at load, env valueFrom at container start). The same
/// pattern as Helm's "checksum/config" annotation.
/// </summary>
public static class PodChecksums
{
    /// <summary>SHA-256 of the Dapr resources this pod's sidecar loads (those scoped to its app id).</summary>
    public const string DaprConfigAnnotation = "logdapr.io/dapr-config-checksum";

    /// <summary>
    /// A keyed hash (HMAC-SHA256) of the values of the Secret keys this pod's containers and sidecar read at start.
    /// Set by the controller, which reads the Secrets; absent from offline renders, which cannot.
    /// </summary>
    public const string SecretsAnnotation = "logdapr.io/secrets-checksum";

    public const string AppIdAnnotation = "dapr.io/app-id";

    /// <summary>Stamps <see cref="DaprConfigAnnotation"/> on every Deployment's pod template; call before anything serializes them.</summary>
    public static void AddDaprConfig(IReadOnlyList<RenderedObject> objects)
    {
        var dapr = objects.Where(o => o.Type.Group == "dapr.io").ToList();
        foreach (var obj in objects)
        {
            if (obj.Value is V1Deployment { Spec.Template.Metadata.Annotations: { } annotations } && annotations.TryGetValue(AppIdAnnotation, out var appId))
            {
                annotations[DaprConfigAnnotation] = DaprConfig(LoadedBy(dapr, appId));
            }
        }
    }

    /// <summary>The Dapr resources a sidecar with this app id loads: unscoped ones, and those whose scopes name it.</summary>
    public static IReadOnlyList<RenderedObject> LoadedBy(IEnumerable<RenderedObject> objects, string appId) =>
        objects
            .Where(o => o.Type.Group == "dapr.io")
            .Where(o => o.Object["scopes"] is not JsonArray { Count: > 0 } scopes || scopes.Any(s => s?.GetValue<string>() == appId))
            .ToList();

    /// <summary>
    /// Kind, name and content of each resource, without metadata (labels carry the operator's version, which is no
    /// reason to restart) and without scopes (which other apps load it does not change what this sidecar does).
    /// </summary>
    private static string DaprConfig(IEnumerable<RenderedObject> loaded)
    {
        var text = new StringBuilder();
        foreach (var obj in loaded.OrderBy(o => o.Type.Kind, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal))
        {
            var content = new JsonObject();
            foreach (var (key, node) in obj.Object)
            {
                if (key is not ("metadata" or "scopes"))
                {
                    content[key] = node?.DeepClone();
                }
            }
            text.Append(obj.Type.Kind).Append('\n').Append(obj.Name).Append('\n').Append(content.ToJsonString()).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
