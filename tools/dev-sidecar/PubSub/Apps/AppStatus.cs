namespace LogDapr.DevSidecar.PubSub.Apps;

/// <summary>Diagnostics view of an app (GET /v1.0-dev/apps).</summary>
public sealed record AppStatus(string AppId, string BaseUrl, string State, int Discoveries, string? LastProblem);
