using Microsoft.AspNetCore.Http;

namespace LogDapr.DevSidecar.Runtime;

/// <summary>One app id's API pair: what daprd's --dapr-http-port / --dapr-grpc-port are for its one app.</summary>
public sealed record ApiListener(string AppId, int HttpPort, int GrpcPort);

/// <summary>
/// Which app a call comes from. daprd knows it because it serves exactly one app; this process knows it from the
/// port the call arrived on, since each app id has its own listener pair.
/// </summary>
public sealed class ApiCallers(IReadOnlyList<ApiListener> listeners)
{
    private readonly Dictionary<int, string> byPort = listeners
        .SelectMany(l => new[] { (l.HttpPort, l.AppId), (l.GrpcPort, l.AppId) })
        .ToDictionary(p => p.Item1, p => p.AppId);

    public IReadOnlyList<ApiListener> Listeners { get; } = listeners;

    public string AppIdOf(HttpContext context) =>
        byPort.TryGetValue(context.Connection.LocalPort, out var appId) ? appId : Listeners[0].AppId;
}
