using LogDapr.Operator.Kubernetes;

namespace LogDapr.Operator.Dapr;

/// <summary>
/// The Dapr runtime LogDapr supports: 1.16 minimum, tested with 1.16 to 1.18. The chart states the same requirement
/// (Chart.yaml annotation logdapr.io/dapr-version, tested), and the operator checks it in the cluster
/// (<see cref="DaprCompatibilityCheck"/>).
/// </summary>
public static class DaprSupport
{
    /// <summary>The oldest supported Dapr release.</summary>
    public const string MinimumVersion = "1.16.0";

    public static Version Minimum { get; } = Version.Parse(MinimumVersion);

    /// <summary>The newest Dapr minor release the services are tested against; newer ones are allowed, and said so.</summary>
    public static Version NewestTested { get; } = new(1, 18);

    /// <summary>"1.16", for messages.</summary>
    public static string MinimumMinor => $"{Minimum.Major}.{Minimum.Minor}";

    /// <summary>
    /// The sidecar injector's MutatingWebhookConfiguration. Dapr's Helm chart names it so in every release
    /// (dapr/dapr v1.16.0 charts/dapr/charts/dapr_sidecar_injector/templates/dapr_sidecar_injector_webhook_config.yaml)
    /// and labels it with global.k8sLabels, which include app.kubernetes.io/version: the release (charts/dapr/values.yaml).
    /// </summary>
    public const string InjectorWebhook = "dapr-sidecar-injector";

    public const string VersionLabel = "app.kubernetes.io/version";

    /// <summary>The Dapr kinds the operator renders, whose CRDs it checks.</summary>
    public static IReadOnlyList<ResourceType> RenderedKinds { get; } =
        [KnownResources.DaprComponents, KnownResources.DaprResiliencies, KnownResources.DaprSubscriptions];

    public static string CrdName(ResourceType type) => $"{type.Plural}.{type.Group}";

    public static IReadOnlyList<string> CrdNames { get; } = [.. RenderedKinds.Select(CrdName)];
}
