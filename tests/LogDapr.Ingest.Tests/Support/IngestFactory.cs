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

    /// <summary>
    /// Serves the app on Kestrel with its own listeners: the HTTP one from the <c>urls</c> setting, as in production,
    /// and OTLP/gRPC on Ingest:OtlpGrpcPort. (<see cref="StartOnKestrel"/> makes Kestrel prefer the factory's URL over
    /// every listener set in code, which would hide the gRPC port.)
    /// </summary>
    public (Uri Http, Uri Grpc) StartWithOtlpGrpc()
    {
        var urls = settings?.GetValueOrDefault("urls") ?? throw new InvalidOperationException("give the factory a urls setting");
        var grpcPort = settings.GetValueOrDefault("Ingest:OtlpGrpcPort") ?? throw new InvalidOperationException("give the factory Ingest:OtlpGrpcPort");
        UseKestrel();
        StartServer();
        var http = new Uri(urls);
        return (http, new Uri($"http://{http.Host}:{grpcPort}"));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("DAPR_GRPC_PORT", sidecarGrpcPort.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("DAPR_HTTP_PORT", sidecarHttpPort.ToString(CultureInfo.InvariantCulture));
        // Authentication is tested on its own; here it is explicitly off, as in local runs.
        builder.UseSetting("Auth:Enabled", "false");
        // OTLP/gRPC's port (4317 by default) is off unless a test gives one: parallel tests cannot share a port.
        builder.UseSetting("Ingest:OtlpGrpcPort", "0");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton<ILoggerProvider>(Logs));
    }
}
