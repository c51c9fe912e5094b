using k8s;
using k8s.Models;

namespace LogDapr.Operator.DaprResources;

/// <summary>A declarative Dapr Subscription (dapr.io/v2alpha1), with only the fields the operator renders.</summary>
public sealed class DaprSubscription : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "dapr.io/v2alpha1";

    public string Kind { get; set; } = "Subscription";

    public V1ObjectMeta Metadata { get; set; } = new();

    public required DaprSubscriptionSpec Spec { get; set; }

    public required IList<string> Scopes { get; set; }
}

public sealed class DaprSubscriptionSpec
{
    /// <summary>Spelled as in Dapr's CRD (one word, lower case).</summary>
    public required string Pubsubname { get; set; }

    public required string Topic { get; set; }

    public required DaprSubscriptionRoutes Routes { get; set; }

    public string? DeadLetterTopic { get; set; }

    public DaprBulkSubscribe? BulkSubscribe { get; set; }
}

public sealed class DaprSubscriptionRoutes
{
    public required string Default { get; set; }
}

public sealed class DaprBulkSubscribe
{
    public required bool Enabled { get; set; }

    public int? MaxMessagesCount { get; set; }

    public int? MaxAwaitDurationMs { get; set; }
}
