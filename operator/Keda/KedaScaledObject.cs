using k8s;
using k8s.Models;

namespace LogDapr.Operator.Keda;

/// <summary>
/// A KEDA ScaledObject (keda.sh/v1alpha1), with only the fields the operator renders. Field names: kedacore/keda
/// apis/keda/v1alpha1/scaledobject_types.go and scaletriggers_types.go.
/// </summary>
public sealed class KedaScaledObject : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "keda.sh/v1alpha1";

    public string Kind { get; set; } = "ScaledObject";

    public V1ObjectMeta Metadata { get; set; } = new();

    public required KedaScaledObjectSpec Spec { get; set; }
}

public sealed class KedaScaledObjectSpec
{
    public required KedaScaleTarget ScaleTargetRef { get; set; }

    public int? PollingInterval { get; set; }

    public int? MinReplicaCount { get; set; }

    public int? MaxReplicaCount { get; set; }

    public KedaAdvanced? Advanced { get; set; }

    public required IList<KedaTrigger> Triggers { get; set; }
}

public sealed class KedaScaleTarget
{
    public string ApiVersion { get; set; } = "apps/v1";

    public string Kind { get; set; } = "Deployment";

    public required string Name { get; set; }
}

public sealed class KedaAdvanced
{
    public KedaHorizontalPodAutoscalerConfig? HorizontalPodAutoscalerConfig { get; set; }
}

public sealed class KedaHorizontalPodAutoscalerConfig
{
    public V2HorizontalPodAutoscalerBehavior? Behavior { get; set; }
}

public sealed class KedaTrigger
{
    public required string Type { get; set; }

    public string? Name { get; set; }

    /// <summary>Utilization or AverageValue (cpu and memory triggers); empty for the broker triggers.</summary>
    public string? MetricType { get; set; }

    public required IDictionary<string, string> Metadata { get; set; }

    public KedaAuthenticationRef? AuthenticationRef { get; set; }
}

public sealed class KedaAuthenticationRef
{
    public required string Name { get; set; }
}
