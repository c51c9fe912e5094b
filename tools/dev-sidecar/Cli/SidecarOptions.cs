using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.Cli;

/// <summary>Everything the command line controls. Tests construct this directly and hand it to the host.</summary>
public sealed record SidecarOptions
{
    public IReadOnlyList<string> ResourcesPaths { get; init; } = [];
    public int HttpPort { get; init; } = 3500;
    public int GrpcPort { get; init; } = 50001;
    public string ListenAddress { get; init; } = "127.0.0.1";
    public IReadOnlyList<AppTarget> Apps { get; init; } = [];

    /// <summary>Identity used where daprd would use its --app-id: CloudEvent source and metadata id.</summary>
    public string AppId { get; init; } = "dev-sidecar";

    /// <summary>Journal directory. Null means a throw-away directory that is deleted at shutdown.</summary>
    public string? DataDir { get; init; }

    public LogLevel LogLevel { get; init; } = LogLevel.Information;
    public bool LogAsJson { get; init; }
    public string? ApiToken { get; init; }

    /// <summary>Sent as dapr-api-token on calls to the apps, as daprd does with $APP_API_TOKEN.</summary>
    public string? AppApiToken { get; init; }

    /// <summary>daprd's app health check flags (off unless enabled, as in daprd).</summary>
    public AppHealthCheck AppHealth { get; init; } = AppHealthCheck.Disabled;

    public int MaxPendingPerTopic { get; init; } = 1_000_000;
    public long PayloadMemoryBudgetBytes { get; init; } = 256L * 1024 * 1024;
    public long JournalSegmentBytes { get; init; } = 64L * 1024 * 1024;
    public bool JournalFsync { get; init; } = true;

    /// <summary>How often an unreachable app is probed, and how often discovery is retried.</summary>
    public TimeSpan AppProbeInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    // Chaos / test knobs.
    public int RedeliverSuccessful { get; init; }
    public TimeSpan DeliveryDelay { get; init; } = TimeSpan.Zero;
    public int DefaultDeliveryConcurrency { get; init; } = 4;

    /// <summary>Printed to stdout once both listeners accept connections; runners wait for it.</summary>
    public static string ReadyLine(int httpPort, int grpcPort) => $"dev-sidecar ready http={httpPort} grpc={grpcPort}";
}
