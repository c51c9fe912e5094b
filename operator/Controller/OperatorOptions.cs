using LogDapr.Operator.Rendering;

namespace LogDapr.Operator.Controller;

/// <summary>Settings of the controller loop (from the command line / Helm values).</summary>
public sealed record OperatorOptions
{
    /// <summary>The one field manager for every server-side apply, so the operator owns exactly what it renders.</summary>
    public const string FieldManager = "logdapr-operator";

    /// <summary>Namespaces to watch; empty means all namespaces.</summary>
    public IReadOnlyList<string> WatchNamespaces { get; init; } = [];

    /// <summary>Parallel reconciles (never two for the same LogPipeline).</summary>
    public int Workers { get; init; } = 2;

    /// <summary>Every LogPipeline is reconciled at least this often, repairing anything a missed event left behind.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How soon to look again when the pipeline waits for something the operator does not watch (a Secret, Dapr's CRDs).</summary>
    public TimeSpan DependencyRetry { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an informer checks again for a resource type the API server does not serve (Dapr not installed).</summary>
    public TimeSpan MissingTypeRetry { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the Dapr compatibility check reuses what it read (Dapr's CRDs and injector webhook), shared by all
    /// pipelines; a Dapr upgrade is noticed within this plus the next reconcile.
    /// </summary>
    public TimeSpan DaprCheckInterval { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMinutes(5);

    public RenderOptions Render { get; init; } = RenderOptions.Default;
}
