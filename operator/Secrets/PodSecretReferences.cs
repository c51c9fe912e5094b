using System.Text.Json.Nodes;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;

namespace LogDapr.Operator.Secrets;

/// <summary>
/// Which Secret keys a rendered Deployment's pods read when they start, so that exactly those roll the pods when they
/// change: env <c>secretKeyRef</c>s of its containers, the app token the Dapr injector gives daprd
/// (<c>dapr.io/app-token-secret</c>, key "token"), and the <c>secretKeyRef</c>s in the metadata of the Dapr components
/// its sidecar loads. Secret volumes are left out on purpose: the kubelet updates mounted files in place and the
/// services reload them (the API keys file, Auth:ReloadInterval; the serving certificate), so a rotation there needs
/// no restart. The exceptions are the Postgres and JetStream TLS volumes: daprd reads those files once (pgx when the
/// binding's pool is made, nats.go when it connects), so a new CA bundle or client certificate must roll the pods. Pure.
/// </summary>
public static class PodSecretReferences
{
    public static IReadOnlyList<SecretKeyRef> For(RenderedObject deployment, IReadOnlyList<RenderedObject> objects)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var template = deployment.Object["spec"]?["template"];
        var annotations = template?["metadata"]?["annotations"];
        var refs = new SortedSet<SecretKeyRef>(Comparer<SecretKeyRef>.Create((a, b) =>
            string.CompareOrdinal(a.Name, b.Name) is var byName and not 0 ? byName : string.CompareOrdinal(a.Key, b.Key)));

        foreach (var container in template?["spec"]?["containers"] as JsonArray ?? [])
        {
            foreach (var env in container?["env"] as JsonArray ?? [])
            {
                if (env?["valueFrom"]?["secretKeyRef"] is JsonObject selector && selector.GetString("name") is { } name && selector.GetString("key") is { } key)
                {
                    refs.Add(new SecretKeyRef(name, key));
                }
            }
        }
        foreach (var volume in template?["spec"]?["volumes"] as JsonArray ?? [])
        {
            if (volume.GetString("name") is not { } volumeName || !TlsFiles.ReadOnceVolumes.Contains(volumeName))
            {
                continue;
            }
            foreach (var source in volume?["projected"]?["sources"] as JsonArray ?? [])
            {
                if (source?["secret"] is JsonObject secret && secret.GetString("name") is { } name)
                {
                    foreach (var item in secret["items"] as JsonArray ?? [])
                    {
                        if (item.GetString("key") is { } key)
                        {
                            refs.Add(new SecretKeyRef(name, key));
                        }
                    }
                }
            }
        }
        if (annotations.GetString(AppToken.Annotation) is { } tokenSecret)
        {
            refs.Add(new SecretKeyRef(tokenSecret, AppToken.SecretKey));
        }
        if (annotations.GetString(PodChecksums.AppIdAnnotation) is { } appId)
        {
            foreach (var component in PodChecksums.LoadedBy(objects, appId).Where(o => o.Type == KnownResources.DaprComponents))
            {
                foreach (var item in component.Object["spec"]?["metadata"] as JsonArray ?? [])
                {
                    if (item?["secretKeyRef"] is JsonObject selector && selector.GetString("name") is { } name && selector.GetString("key") is { } key)
                    {
                        refs.Add(new SecretKeyRef(name, key));
                    }
                }
            }
        }
        return [.. refs];
    }
}
