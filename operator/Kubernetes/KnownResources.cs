using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Kubernetes;

/// <summary>Every API resource the operator touches.</summary>
public static class KnownResources
{
    public static readonly ResourceType LogPipelines = new(LogPipeline.Group, LogPipeline.Version, LogPipeline.KindValue, LogPipeline.Plural, HasStatusSubresource: true);

    public static readonly ResourceType Deployments = new("apps", "v1", "Deployment", "deployments", HasStatusSubresource: true);
    public static readonly ResourceType Services = new("", "v1", "Service", "services", HasStatusSubresource: true);
    public static readonly ResourceType PodDisruptionBudgets = new("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", HasStatusSubresource: true);
    public static readonly ResourceType NetworkPolicies = new("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies");

    public static readonly ResourceType HorizontalPodAutoscalers = new("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", HasStatusSubresource: true);

    /// <summary>KEDA's kinds, rendered only for backlog scaling (spec.aggregator.autoscaling.backlog); KEDA is optional.</summary>
    public static readonly ResourceType KedaScaledObjects = new("keda.sh", "v1alpha1", "ScaledObject", "scaledobjects", HasStatusSubresource: true);
    public static readonly ResourceType KedaTriggerAuthentications = new("keda.sh", "v1alpha1", "TriggerAuthentication", "triggerauthentications");

    public static readonly ResourceType DaprComponents = new("dapr.io", "v1alpha1", "Component", "components");
    public static readonly ResourceType DaprSubscriptions = new("dapr.io", "v2alpha1", "Subscription", "subscriptions");
    public static readonly ResourceType DaprResiliencies = new("dapr.io", "v1alpha1", "Resiliency", "resiliencies");

    /// <summary>The processing rules (spec.processing), mounted into the processor.</summary>
    public static readonly ResourceType ConfigMaps = new("", "v1", "ConfigMap", "configmaps");

    public static readonly ResourceType Secrets = new("", "v1", "Secret", "secrets");
    public static readonly ResourceType Events = new("", "v1", "Event", "events");
    public static readonly ResourceType Leases = new("coordination.k8s.io", "v1", "Lease", "leases");

    /// <summary>Read by name only: Dapr's CRDs, to check they serve what the operator renders.</summary>
    public static readonly ResourceType CustomResourceDefinitions = new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", Namespaced: false);

    /// <summary>Read by name only: Dapr's sidecar injector webhook, whose version label tells the Dapr release.</summary>
    public static readonly ResourceType MutatingWebhookConfigurations = new("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", Namespaced: false);

    /// <summary>Kinds the operator creates for a LogPipeline, in the order it applies them (dependencies first).</summary>
    public static IReadOnlyList<ResourceType> Owned { get; } =
    [
        DaprComponents, DaprResiliencies, DaprSubscriptions, ConfigMaps, Services, Deployments, PodDisruptionBudgets, NetworkPolicies,
        HorizontalPodAutoscalers, KedaTriggerAuthentications, KedaScaledObjects,
    ];

    public static IReadOnlyList<ResourceType> All { get; } =
    [
        LogPipelines, .. Owned, Secrets, Events, Leases, CustomResourceDefinitions, MutatingWebhookConfigurations,
    ];

    public static ResourceType? FindByKind(string apiVersion, string kind) =>
        All.FirstOrDefault(t => t.ApiVersion == apiVersion && t.Kind == kind);
}
