using k8s;
using k8s.Models;

namespace LogDapr.Operator.DaprResources;

/// <summary>A Dapr Component (dapr.io/v1alpha1), with only the fields the operator renders.</summary>
public sealed class DaprComponent : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "dapr.io/v1alpha1";

    public string Kind { get; set; } = "Component";

    public V1ObjectMeta Metadata { get; set; } = new();

    public required DaprComponentSpec Spec { get; set; }

    /// <summary>The app ids that may load the component; every other sidecar ignores it.</summary>
    public required IList<string> Scopes { get; set; }
}

public sealed class DaprComponentSpec
{
    public required string Type { get; set; }

    public string Version { get; set; } = "v1";

    public required IList<DaprMetadataItem> Metadata { get; set; }
}

/// <summary>One entry of a component's metadata: a plain string value or a reference to a Secret key.</summary>
public sealed class DaprMetadataItem
{
    public required string Name { get; set; }

    public string? Value { get; set; }

    public DaprSecretKeyRef? SecretKeyRef { get; set; }
}

public sealed class DaprSecretKeyRef
{
    public required string Name { get; set; }

    public required string Key { get; set; }
}
