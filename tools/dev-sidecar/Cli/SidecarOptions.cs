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

    /// <summary>App ids that only call the API (no app channel: nothing is delivered to them), e.g. a publisher.</summary>
    public IReadOnlyList<string> ClientApps { get; init; } = [];

    /// <summary>
    /// The app id of the API pair on <see cref="HttpPort"/>/<see cref="GrpcPort"/>, as daprd's --app-id: calls there
    /// are that app's (CloudEvent source, metadata id, key prefix, component scopes).
    /// </summary>
    public string AppId { get; init; } = "dev-sidecar";

    /// <summary>API ports of the other app ids (--app-ports id=http:grpc); an app without an entry gets free ones.</summary>
    public IReadOnlyDictionary<string, (int Http, int Grpc)> AppPorts { get; init; } = new Dictionary<string, (int, int)>();

    /// <summary>daprd's --max-body-size (default 4Mi): the largest HTTP body and gRPC message the API accepts.</summary>
    public int MaxBodySize { get; init; } = 4 * 1024 * 1024;

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
    public long PayloadMemoryBudgetBytes { get; init; } = 32L * 1024 * 1024;
    public long JournalSegmentBytes { get; init; } = 64L * 1024 * 1024;
    public bool JournalFsync { get; init; } = true;

    /// <summary>How often an unreachable app is probed, and how often discovery is retried.</summary>
    public TimeSpan AppProbeInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    // Chaos / test knobs.
    public int RedeliverSuccessful { get; init; }
    public TimeSpan DeliveryDelay { get; init; } = TimeSpan.Zero;
    public int DefaultDeliveryConcurrency { get; init; } = 4;

    /// <summary>Probability (0..1) that a bulk publish stores a random subset of its entries and then fails as daprd fails it.</summary>
    public double ChaosBulkPublishPartial { get; init; }

    /// <summary>How long a publish waits after its messages are durable before it is answered.</summary>
    public TimeSpan ChaosPublishAckDelay { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// Benchmarks only, not daprd: answer every valid publish with success at once and store nothing, so a benchmark
    /// can tell the services' cost from the stand-in's.
    /// </summary>
    public bool BenchDiscardPublishes { get; init; }

    /// <summary>Every app id that gets an API listener pair: the <see cref="AppId"/> pair first, then each app and client app.</summary>
    public IReadOnlyList<string> ApiAppIds =>
        [AppId, .. Apps.Select(a => a.AppId).Concat(ClientApps).Where(id => id != AppId).Distinct(StringComparer.Ordinal)];

    /// <summary>Printed to stdout once both listeners accept connections; runners wait for it.</summary>
    public static string ReadyLine(int httpPort, int grpcPort) => $"dev-sidecar ready http={httpPort} grpc={grpcPort}";

    /// <summary>Printed before the ready line for every app id other than <see cref="AppId"/>.</summary>
    public static string AppLine(string appId, int httpPort, int grpcPort) => $"dev-sidecar app {appId} http={httpPort} grpc={grpcPort}";
}
