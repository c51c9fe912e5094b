using System.Net;
using System.Text.Json.Nodes;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;

namespace LogDapr.Operator.Dapr;

/// <summary>
/// Checks the cluster's Dapr against what a pipeline renders, before anything is applied:
/// <list type="number">
/// <item>each Dapr CRD the pipeline needs is installed, serves the API version the operator renders, and describes
/// every field the operator renders (the API server would silently prune the others);</item>
/// <item>the Dapr release, read from the sidecar injector's webhook label (app.kubernetes.io/version, set by Dapr's
/// Helm chart), is <see cref="DaprSupport.MinimumVersion"/> or later.</item>
/// </list>
/// The CRDs of 1.15 and 1.16 are the same for the kinds rendered here, so only the label can tell those apart; it
/// is optional (a Dapr installed another way, a custom tag, RBAC trimmed by hand) and then reported as unknown
/// without blocking. Why the label and not the injector Deployment's image tag: the label is on a cluster-scoped
/// object with a fixed name, readable with one name-restricted rule, while the Deployment lives in whichever
/// namespace Dapr was installed in and would need read access to Deployments there.
/// What is read is cached for <c>cacheFor</c> (every pipeline checks against the same cluster-wide objects).
/// </summary>
public sealed class DaprCompatibilityCheck(IKubeApi api, TimeProvider time, TimeSpan cacheFor)
{
    private readonly Lock gate = new();
    private (DateTimeOffset At, ClusterDapr Value)? cached;

    public async Task<DaprCompatibility> CheckAsync(IReadOnlyList<RenderedObject> objects, CancellationToken cancellationToken)
    {
        var dapr = await ReadAsync(cancellationToken).ConfigureAwait(false);
        var unknown = new List<string>();

        foreach (var kind in objects.Where(o => o.Type.Group == KnownResources.DaprComponents.Group).GroupBy(o => o.Type))
        {
            var crdName = DaprSupport.CrdName(kind.Key);
            var crd = dapr.Crds[crdName];
            if (crd.IsMissing)
            {
                return new(DaprCompatibility.False, DaprCompatibility.NotInstalled,
                    $"The Dapr CRD {crdName} is not installed: install Dapr {DaprSupport.MinimumMinor} or later (e.g. with its Helm chart) first. Nothing is applied until then.");
            }
            if (crd.Object is not { } definition)
            {
                unknown.Add($"the CRD {crdName} could not be read ({crd.Error})");
                continue;
            }
            var version = (definition["spec"]?["versions"] as JsonArray)?.OfType<JsonObject>()
                .FirstOrDefault(v => v.GetString("name") == kind.Key.Version && v["served"]?.GetValue<bool>() == true);
            if (version?["schema"]?["openAPIV3Schema"] is not JsonObject schema)
            {
                var served = (definition["spec"]?["versions"] as JsonArray)?.OfType<JsonObject>()
                    .Where(v => v["served"]?.GetValue<bool>() == true).Select(v => v.GetString("name")) ?? [];
                return new(DaprCompatibility.False, DaprCompatibility.Incompatible,
                    $"The Dapr CRD {crdName} does not serve {kind.Key.ApiVersion} (it serves: {string.Join(", ", served)}). LogDapr needs Dapr {DaprSupport.MinimumMinor} or later and its CRDs. Nothing is applied until then.");
            }
            foreach (var obj in kind)
            {
                var pruned = SchemaPruning.PrunedFields(obj.Object, schema);
                if (pruned.Count > 0)
                {
                    return new(DaprCompatibility.False, DaprCompatibility.Incompatible,
                        $"The Dapr CRD {crdName} ({kind.Key.ApiVersion}) has no field {string.Join(", ", pruned.Take(5))}, so the API server would drop it from {kind.Key.Kind} {obj.Name}. "
                        + $"LogDapr needs Dapr {DaprSupport.MinimumMinor} or later with its CRDs (helm upgrade does not update CRDs: apply the release's CRDs). Nothing is applied until then.");
                }
            }
        }

        var release = Release(dapr.Injector, out var versionProblem);
        if (release is not null && release < DaprSupport.Minimum)
        {
            return new(DaprCompatibility.False, DaprCompatibility.Incompatible,
                $"Dapr {release} is installed (label {DaprSupport.VersionLabel} of MutatingWebhookConfiguration {DaprSupport.InjectorWebhook}); LogDapr needs Dapr {DaprSupport.MinimumMinor} or later. Upgrade Dapr; nothing is applied until then.");
        }
        if (versionProblem is not null)
        {
            unknown.Add(versionProblem);
        }
        if (unknown.Count > 0)
        {
            return new(DaprCompatibility.Unknown, DaprCompatibility.VersionUnknown,
                $"The Dapr CRDs serve what this pipeline needs, but {string.Join("; ", unknown)}. LogDapr needs Dapr {DaprSupport.MinimumMinor} or later.");
        }
        var newer = release!.Major > DaprSupport.NewestTested.Major || (release.Major == DaprSupport.NewestTested.Major && release.Minor > DaprSupport.NewestTested.Minor)
            ? $"; newer than the releases LogDapr is tested with ({DaprSupport.MinimumMinor} to {DaprSupport.NewestTested.Major}.{DaprSupport.NewestTested.Minor})"
            : "";
        return new(DaprCompatibility.True, DaprCompatibility.Supported,
            $"Dapr {release} (label {DaprSupport.VersionLabel} of MutatingWebhookConfiguration {DaprSupport.InjectorWebhook}): supported, {DaprSupport.MinimumMinor} or later{newer}.");
    }

    private static Version? Release(Fetched injector, out string? problem)
    {
        problem = null;
        if (injector.IsMissing)
        {
            problem = $"MutatingWebhookConfiguration {DaprSupport.InjectorWebhook} was not found, so the Dapr release is unknown (Dapr's Helm chart creates it; without a sidecar injector the pods get no Dapr sidecar)";
            return null;
        }
        if (injector.Object is not { } webhook)
        {
            problem = $"MutatingWebhookConfiguration {DaprSupport.InjectorWebhook} could not be read ({injector.Error}), so the Dapr release is unknown";
            return null;
        }
        var label = webhook["metadata"]?["labels"]?.GetString(DaprSupport.VersionLabel);
        if (label is null)
        {
            problem = $"MutatingWebhookConfiguration {DaprSupport.InjectorWebhook} has no {DaprSupport.VersionLabel} label, so the Dapr release is unknown";
            return null;
        }
        var version = DaprVersion.Parse(label);
        if (version is null)
        {
            problem = $"the {DaprSupport.VersionLabel} label of MutatingWebhookConfiguration {DaprSupport.InjectorWebhook} is \"{label}\", not a release, so the Dapr release is unknown";
        }
        return version;
    }

    private async Task<ClusterDapr> ReadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (cached is { } hit && now - hit.At < cacheFor)
            {
                return hit.Value;
            }
        }
        var crds = new Dictionary<string, Fetched>(StringComparer.Ordinal);
        foreach (var name in DaprSupport.CrdNames)
        {
            crds[name] = await FetchAsync(KnownResources.CustomResourceDefinitions, name, cancellationToken).ConfigureAwait(false);
        }
        var injector = await FetchAsync(KnownResources.MutatingWebhookConfigurations, DaprSupport.InjectorWebhook, cancellationToken).ConfigureAwait(false);
        var value = new ClusterDapr(crds, injector);
        lock (gate)
        {
            cached = (now, value);
        }
        return value;
    }

    /// <summary>Not found and forbidden are answers; anything else fails the reconcile, which is retried.</summary>
    private async Task<Fetched> FetchAsync(ResourceType type, string name, CancellationToken cancellationToken)
    {
        try
        {
            return new Fetched(await api.GetAsync(type, null, name, cancellationToken).ConfigureAwait(false), IsMissing: false, Error: null);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return new Fetched(null, IsMissing: true, Error: null);
        }
        catch (KubeApiException e) when (e.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            return new Fetched(null, IsMissing: false, Error: e.Message);
        }
    }

    private sealed record Fetched(JsonObject? Object, bool IsMissing, string? Error);

    private sealed record ClusterDapr(IReadOnlyDictionary<string, Fetched> Crds, Fetched Injector);
}
