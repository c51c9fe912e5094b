using LogDapr.Operator.Kubernetes;

namespace LogDapr.Operator.Keda;

/// <summary>The KEDA kinds the operator renders for backlog scaling, and the CRDs that must serve them.</summary>
public static class KedaSupport
{
    public static IReadOnlyList<ResourceType> RenderedKinds { get; } = [KnownResources.KedaScaledObjects, KnownResources.KedaTriggerAuthentications];

    public static string CrdName(ResourceType type) => $"{type.Plural}.{type.Group}";

    public static IReadOnlyList<string> CrdNames { get; } = [.. RenderedKinds.Select(CrdName)];
}
