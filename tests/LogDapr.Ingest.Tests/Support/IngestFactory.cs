using System.Globalization;
using LogDapr.LocalStack.Processes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogDapr.Ingest.Tests.Support;

/// <summary>
/// Ingest in-process, pointed at a Dapr sidecar port. With <see cref="ClosedPort"/> nothing listens there,
/// which is how "sidecar down" looks to the app.
/// </summary>
public sealed class IngestFactory(int sidecarGrpcPort, int sidecarHttpPort, IReadOnlyDictionary<string, string>? settings = null)
    : WebApplicationFactory<Program>
{
    /// <summary>Everything the app logged, to check what never reaches a log.</summary>
    public LogCapture Logs { get; } = new();

    public static IngestFactory SidecarDown(IReadOnlyDictionary<string, string>? settings = null)
        => new(FreePorts.Next(), FreePorts.Next(), settings);

    /// <summary>Serves the app on a real Kestrel socket (for slow, truncated and stalled clients) and returns its address.</summary>
    public Uri StartOnKestrel()
    {
        var port = FreePorts.Next();
        UseKestrel(port);
        StartServer();
        return new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("DAPR_GRPC_PORT", sidecarGrpcPort.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("DAPR_HTTP_PORT", sidecarHttpPort.ToString(CultureInfo.InvariantCulture));
        // Authentication is tested on its own; here it is explicitly off, as in local runs.
        builder.UseSetting("Auth:Enabled", "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton<ILoggerProvider>(Logs));
    }
}
