namespace LogDapr.Operator.Kubernetes;

/// <summary>One RBAC rule: verbs on a resource (or subresource, "logpipelines/status") of an API group.</summary>
public sealed record PermissionRule(string ApiGroup, string Resource, IReadOnlyList<string> Verbs)
{
    public override string ToString() => $"{(ApiGroup.Length == 0 ? "core" : ApiGroup)}/{Resource}: {string.Join(",", Verbs)}";
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
        new("", "services", [List, Watch, Create, Patch, Delete]),
        new("apps", "deployments", [List, Watch, Create, Patch, Delete]),
        new("policy", "poddisruptionbudgets", [List, Watch, Create, Patch, Delete]),

        // Only to check that referenced Secrets and keys exist before applying anything; values are never read
        // into the operator's output (components and pods reference them by name).
        new("", "secrets", [Get]),
        new("", "events", [Create]),
    ];

    /// <summary>Rules in the operator's own namespace, used by k8s.LeaderElection's LeaseLock.</summary>
    public static IReadOnlyList<PermissionRule> LeaderElectionRules { get; } =
    [
        new(KnownResources.Leases.Group, KnownResources.Leases.Plural, [Get, Create, Update]),
    ];

    public static IReadOnlyList<PermissionRule> All { get; } = [.. PipelineRules, .. LeaderElectionRules];

    public static bool Allows(IEnumerable<PermissionRule> rules, string apiGroup, string resource, string verb) =>
        rules.Any(r => r.ApiGroup == apiGroup && r.Resource == resource && r.Verbs.Contains(verb));
}
