namespace LogDapr.DevSidecar.Components;

/// <summary>A metadata template that cannot be resolved for an app: daprd fails that component's Init.</summary>
public sealed class ResourceTemplateException(string message) : Exception(message);
