namespace LogDapr.DevSidecar.Errors;

/// <summary>A resource file (component, subscription, resiliency) that cannot be used; the sidecar does not start.</summary>
public sealed class ResourceException(string message, Exception? inner = null) : Exception(message, inner);
