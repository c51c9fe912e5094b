using System.Globalization;
using LogDapr.LocalStack.Layout;

namespace LogDapr.LocalStack.Processes;

/// <summary>
/// One app id the development sidecar serves, with its own Dapr API ports, as daprd's --dapr-http-port and
/// --dapr-grpc-port are one app's. <see cref="Url"/> is where deliveries go; null for a client-only app id (a
/// publisher that only calls the API).
/// </summary>
public sealed record SidecarApp(string AppId, Uri? Url, int HttpPort, int GrpcPort);

/// <summary>The command line of the development sidecar, as the runner and the tests start it.</summary>
public static class DevSidecarSpec
{
    /// <param name="apps">Every app id with its ports; the first one's pair is the sidecar's --app-id pair (health checks, ready line).</param>
    public static ProcessSpec Create(
        RepoLayout layout,
        IReadOnlyList<SidecarApp> apps,
        string dataDirectory,
        IReadOnlyList<string> extraArguments,
        IReadOnlyDictionary<string, string?> environment)
    {
        if (apps.Count == 0)
        {
            throw new ArgumentException("the sidecar needs at least one app id", nameof(apps));
        }

        var main = apps[0];
        List<string> arguments =
        [
            "--resources-path", layout.ComponentsDirectory,
            "--app-id", main.AppId,
            "--dapr-http-port", Port(main.HttpPort),
            "--dapr-grpc-port", Port(main.GrpcPort),
            "--data-dir", dataDirectory,
        ];
        foreach (var app in apps)
        {
            arguments.AddRange(["--app", app.Url is null ? app.AppId : $"{app.AppId}={app.Url.ToString().TrimEnd('/')}"]);
            if (app != main)
            {
                arguments.AddRange(["--app-ports", $"{app.AppId}={Port(app.HttpPort)}:{Port(app.GrpcPort)}"]);
            }
        }

        arguments.AddRange(extraArguments);
        return ProcessSpec.Dotnet("dev-sidecar", layout.SidecarDll, arguments, environment);
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
