namespace LogDapr.Operator.Rendering;

/// <summary>Labels on every rendered object (Kubernetes recommended labels plus the pipeline's name).</summary>
public static class PipelineLabels
{
    public const string Name = "app.kubernetes.io/name";
    public const string Instance = "app.kubernetes.io/instance";
    public const string Component = "app.kubernetes.io/component";
    public const string PartOf = "app.kubernetes.io/part-of";
    public const string ManagedBy = "app.kubernetes.io/managed-by";

    /// <summary>The LogPipeline an object belongs to; the operator's informers and pruning select on it.</summary>
    public const string Pipeline = "logdapr.io/pipeline";

    public const string ManagedByValue = "logdapr-operator";
    public const string PartOfValue = "logdapr";

    /// <summary>Label selector of everything this operator manages.</summary>
    public const string ManagedSelector = ManagedBy + "=" + ManagedByValue;

    public static Dictionary<string, string> For(string pipeline, string component) => new(StringComparer.Ordinal)
    {
        [Name] = $"logdapr-{component}",
        [Instance] = pipeline,
        [Component] = component,
        [PartOf] = PartOfValue,
        [ManagedBy] = ManagedByValue,
        [Pipeline] = pipeline,
    };

    /// <summary>Pod selector of a workload: a stable subset, since a Deployment's selector is immutable.</summary>
    public static Dictionary<string, string> Selector(string pipeline, string component) => new(StringComparer.Ordinal)
    {
        [Pipeline] = pipeline,
        [Component] = component,
    };
}
