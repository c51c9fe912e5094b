namespace LogDapr.DevSidecar.Components;

/// <summary>Who a component is resolved for: daprd resolves metadata templates with its own app's identity.</summary>
public sealed record TemplateIdentity(string AppId, string Namespace, string? PodName)
{
    /// <summary>
    /// daprd reads the namespace from NAMESPACE ("default" when unset, v1.16.0 pkg/security/security.go
    /// CurrentNamespace) and the pod name from POD_NAME (pkg/runtime/runtime.go getPodName).
    /// </summary>
    public static TemplateIdentity For(string appId, Func<string, string?> environment) =>
        new(appId, environment("NAMESPACE") ?? "default", environment("POD_NAME") is { Length: > 0 } pod ? pod : null);
}
