using k8s;
using k8s.Models;

namespace LogDapr.Operator.DaprResources;

/// <summary>
/// A Dapr Resiliency (dapr.io/v1alpha1), with only the fields of Dapr's CRD the operator renders (anything else
/// would be pruned by the API server). Policies are maps from a policy name to its settings.
/// </summary>
public sealed class DaprResiliency : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "dapr.io/v1alpha1";

    public string Kind { get; set; } = "Resiliency";

    public V1ObjectMeta Metadata { get; set; } = new();

    public required DaprResiliencySpec Spec { get; set; }

    public required IList<string> Scopes { get; set; }
}

public sealed class DaprResiliencySpec
{
    public required DaprResiliencyPolicies Policies { get; set; }

    public required DaprResiliencyTargets Targets { get; set; }
}

public sealed class DaprResiliencyPolicies
{
    /// <summary>Policy name -> Go duration.</summary>
    public required IDictionary<string, string> Timeouts { get; set; }

    public required IDictionary<string, DaprRetryPolicy> Retries { get; set; }

    public required IDictionary<string, DaprCircuitBreaker> CircuitBreakers { get; set; }
}

public sealed class DaprRetryPolicy
{
    /// <summary>constant or exponential.</summary>
    public required string Policy { get; set; }

    /// <summary>Between attempts of a constant policy (Go duration).</summary>
    public string? Duration { get; set; }

    /// <summary>Upper bound of an exponential policy (Go duration).</summary>
    public string? MaxInterval { get; set; }

    /// <summary>-1 means unlimited.</summary>
    public required int MaxRetries { get; set; }
}

public sealed class DaprCircuitBreaker
{
    public required int MaxRequests { get; set; }

    public required string Interval { get; set; }

    public required string Timeout { get; set; }

    /// <summary>A CEL-like expression Dapr evaluates, e.g. "consecutiveFailures >= 5".</summary>
    public required string Trip { get; set; }
}

public sealed class DaprResiliencyTargets
{
    /// <summary>Component name -> the policies applied to its calls.</summary>
    public required IDictionary<string, DaprComponentTarget> Components { get; set; }
}

public sealed class DaprComponentTarget
{
    public DaprPolicyReferences? Inbound { get; set; }

    public DaprPolicyReferences? Outbound { get; set; }
}

/// <summary>Names of policies defined in <see cref="DaprResiliencyPolicies"/>.</summary>
public sealed class DaprPolicyReferences
{
    public string? Timeout { get; set; }

    public string? Retry { get; set; }

    public string? CircuitBreaker { get; set; }
}
