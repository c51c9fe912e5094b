using k8s;
using k8s.Models;

namespace LogDapr.Operator.Keda;

/// <summary>
/// A KEDA TriggerAuthentication (keda.sh/v1alpha1): how a scaler gets the broker's credentials, by Secret key or
/// from an environment variable of the scale target's container (kedacore/keda
/// apis/keda/v1alpha1/triggerauthentication_types.go).
/// </summary>
public sealed class KedaTriggerAuthentication : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "keda.sh/v1alpha1";

    public string Kind { get; set; } = "TriggerAuthentication";

    public V1ObjectMeta Metadata { get; set; } = new();

    public required KedaTriggerAuthenticationSpec Spec { get; set; }
}

public sealed class KedaTriggerAuthenticationSpec
{
    public IList<KedaSecretTargetRef>? SecretTargetRef { get; set; }

    public IList<KedaEnvTargetRef>? Env { get; set; }
}

public sealed class KedaSecretTargetRef
{
    /// <summary>The scaler's auth parameter (password, ca, cert, key...).</summary>
    public required string Parameter { get; set; }

    public required string Name { get; set; }

    public required string Key { get; set; }
}

public sealed class KedaEnvTargetRef
{
    public required string Parameter { get; set; }

    /// <summary>The environment variable of the scale target's container.</summary>
    public required string Name { get; set; }

    public string? ContainerName { get; set; }
}
