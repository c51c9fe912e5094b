using System.Globalization;
using LogDapr.LocalStack.Layout;

namespace LogDapr.LocalStack.Processes;

/// <summary>The command line of the development sidecar, as the runner and the tests start it.</summary>
public static class DevSidecarSpec
{
    public static ProcessSpec Create(
        RepoLayout layout,
        int httpPort,
        int grpcPort,
        IReadOnlyDictionary<string, Uri> apps,
        string dataDirectory,
        IReadOnlyList<string> extraArguments,
        IReadOnlyDictionary<string, string?> environment,
        string? resourcesDirectory = null)
    {
        List<string> arguments =
        [
            "--resources-path", resourcesDirectory ?? layout.ComponentsDirectory,
            "--dapr-http-port", httpPort.ToString(CultureInfo.InvariantCulture),
            "--dapr-grpc-port", grpcPort.ToString(CultureInfo.InvariantCulture),
            "--data-dir", dataDirectory,
        ];
        foreach (var (appId, url) in apps)
        {
            arguments.AddRange(["--app", $"{appId}={url.ToString().TrimEnd('/')}"]);
        }

        arguments.AddRange(extraArguments);
        return ProcessSpec.Dotnet("dev-sidecar", layout.SidecarDll, arguments, environment);
    }
}
