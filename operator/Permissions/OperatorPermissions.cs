using LogDapr.Operator.Dapr;
using LogDapr.Operator.Keda;

using LogDapr.Operator.Kubernetes;

namespace LogDapr.Operator.Permissions;

/// <summary>
/// One RBAC rule: verbs on a resource (or subresource, "logpipelines/status") of an API group, optionally only on
/// the objects named in <paramref name="ResourceNames"/> (as RBAC's resourceNames: it cannot restrict list, watch
/// or create).
/// </summary>
public sealed record PermissionRule(string ApiGroup, string Resource, IReadOnlyList<string> Verbs, IReadOnlyList<string>? ResourceNames = null)
{
    public bool Allows(string apiGroup, string resource, string verb, string? name) =>
        ApiGroup == apiGroup && Resource == resource && Verbs.Contains(verb)
        && (ResourceNames is not { Count: > 0 } names || (name is not null && names.Contains(name)));

    public override string ToString() =>
        $"{(ApiGroup.Length == 0 ? "core" : ApiGroup)}/{Resource}: {string.Join(",", Verbs)}{(ResourceNames is { Count: > 0 } names ? " [" + string.Join(",", names) + "]" : "")}";
}

/// <summary>
/// The single list of API permissions the operator uses. <see cref="PermissionGuardedKubeApi"/> refuses any call
/// outside it (so a new call fails in tests, not with a 403 in production), the leader elector's lease calls are
/// listed here too, and a test checks that the Helm chart's RBAC grants exactly this: no more, no less.
/// </summary>
public static class OperatorPermissions
{
    public const string Get = "get";
    public const string List = "list";
    public const string Watch = "watch";
    public const string Create = "create";
    public const string Update = "update";
    public const string Patch = "patch";
    public const string Delete = "delete";

    /// <summary>Rules for the namespaces the operator reconciles LogPipelines in.</summary>
    public static IReadOnlyList<PermissionRule> PipelineRules { get; } =
    [
        // Read the resource (fresh, per reconcile) and watch it; no writes to spec or metadata: no finalizer is
        // needed because everything the operator creates is garbage-collected through owner references.
        new(KnownResources.LogPipelines.Group, KnownResources.LogPipelines.Plural, [Get, List, Watch]),
        new(KnownResources.LogPipelines.Group, KnownResources.LogPipelines.Plural + "/status", [Update]),

        // Owned objects: server-side apply (patch, and create when the object does not exist yet: the API server
        // authorizes an apply that creates as "create"), watch for drift, delete what a spec change made obsolete.
        new("dapr.io", "components", [List, Watch, Create, Patch, Delete]),
        new("dapr.io", "resiliencies", [List, Watch, Create, Patch, Delete]),
        new("dapr.io", "subscriptions", [List, Watch, Create, Patch, Delete]),
        new("", "configmaps", [List, Watch, Create, Patch, Delete]),
        new("", "services", [List, Watch, Create, Patch, Delete]),
        new("apps", "deployments", [List, Watch, Create, Patch, Delete]),
        new("policy", "poddisruptionbudgets", [List, Watch, Create, Patch, Delete]),
        new("networking.k8s.io", "networkpolicies", [List, Watch, Create, Patch, Delete]),
        new("autoscaling", "horizontalpodautoscalers", [List, Watch, Create, Patch, Delete]),
        new("keda.sh", "scaledobjects", [List, Watch, Create, Patch, Delete]),
        new("keda.sh", "triggerauthentications", [List, Watch, Create, Patch, Delete]),

        // get: check that referenced Secrets and keys exist (and a Postgres connection string is one daprd reads)
        // before applying anything, and hash the referenced values into the pod template; values are never copied
        // into what the operator renders (components and pods reference them by name). list, watch: notice a
        // rotation of a referenced Secret, to roll the pods that read it; the informer keeps metadata only
        // (SecretMetadataApi), RBAC cannot grant a metadata-only watch. create: the app token Secret of a pipeline
        // whose spec names none, created once and never updated (so no update, patch or delete; owner references
        // delete it).
        new("", "secrets", [Get, List, Watch, Create]),
        new("", "events", [Create]),
    ];

    /// <summary>
    /// Cluster-scoped reads, by name only, for the Dapr compatibility check: the CRDs of the Dapr kinds the operator
    /// renders (and of KEDA's, checked when a pipeline scales on its backlog), and the sidecar injector's webhook configuration (its version label). Needed in both RBAC modes,
    /// since a namespaced Role cannot grant cluster-scoped resources.
    /// </summary>
    public static IReadOnlyList<PermissionRule> ClusterRules { get; } =
    [
        new(KnownResources.CustomResourceDefinitions.Group, KnownResources.CustomResourceDefinitions.Plural, [Get], [.. DaprSupport.CrdNames, .. KedaSupport.CrdNames]),
        new(KnownResources.MutatingWebhookConfigurations.Group, KnownResources.MutatingWebhookConfigurations.Plural, [Get], [DaprSupport.InjectorWebhook]),
    ];

    /// <summary>Rules in the operator's own namespace, used by k8s.LeaderElection's LeaseLock.</summary>
    public static IReadOnlyList<PermissionRule> LeaderElectionRules { get; } =
    [
        new(KnownResources.Leases.Group, KnownResources.Leases.Plural, [Get, Create, Update]),
    ];

    public static IReadOnlyList<PermissionRule> All { get; } = [.. PipelineRules, .. ClusterRules, .. LeaderElectionRules];

    public static bool Allows(IEnumerable<PermissionRule> rules, string apiGroup, string resource, string verb, string? name = null) =>
        rules.Any(r => r.Allows(apiGroup, resource, verb, name));
}
