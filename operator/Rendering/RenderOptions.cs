namespace LogDapr.Operator.Rendering;

/// <summary>Operator-wide rendering settings (from the Helm values / command line), not per pipeline.</summary>
public sealed record RenderOptions
{
    public const string DefaultImageRegistry = "ghcr.io/logdapr";

    /// <summary>Image used when spec.ingest.image is empty.</summary>
    public string IngestImage { get; init; } = $"{DefaultImageRegistry}/ingest:{OperatorVersion.Current}";

    /// <summary>Image used when spec.aggregator.image is empty.</summary>
    public string AggregatorImage { get; init; } = $"{DefaultImageRegistry}/aggregator:{OperatorVersion.Current}";

    /// <summary>
    /// Where spec.*.image may point, besides the repositories of <see cref="IngestImage"/> and
    /// <see cref="AggregatorImage"/> (always allowed): entries ending in "/" are registry or path prefixes
    /// ("registry.corp/"), other entries whole repositories ("ghcr.io/acme/ingest"), "*" allows any image.
    /// See <see cref="ImagePolicy"/>.
    /// </summary>
    public IReadOnlyList<string> AllowedImagePrefixes { get; init; } = [];

    /// <summary>Cluster DNS suffix for the endpoints reported in status.</summary>
    public string ClusterDomain { get; init; } = "cluster.local";

    public static RenderOptions Default { get; } = new();
}

