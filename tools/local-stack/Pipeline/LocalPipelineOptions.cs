namespace LogDapr.LocalStack.Pipeline;

/// <summary>How to run the whole pipeline on this machine: Postgres, the development sidecar, aggregator, ingest.</summary>
public sealed record LocalPipelineOptions
{
    /// <summary>Holds logs, the sidecar journal and (unless <see cref="PostgresDirectory"/> is set) the Postgres cluster.</summary>
    public required string RunDirectory { get; init; }

    /// <summary>Postgres cluster directory; reused when it already holds a cluster.</summary>
    public string? PostgresDirectory { get; init; }

    /// <summary>fsync on for Postgres; off is fine for tests.</summary>
    public bool DurablePostgres { get; init; }

    /// <summary>May install Debian's postgresql package when the binaries are missing and we are root.</summary>
    public bool AllowPostgresInstall { get; init; }

    /// <summary>Which broker's delivery the sidecar emulates (its component set); Redis, the default, is components/ as is.</summary>
    public LocalBroker Broker { get; init; } = LocalBroker.Redis;

    /// <summary>Extra flags for the development sidecar (e.g. chaos options).</summary>
    public IReadOnlyList<string> SidecarArguments { get; init; } = [];

    /// <summary>Extra configuration for both apps, as environment variables (e.g. Ingest__PublishTimeout).</summary>
    public IReadOnlyDictionary<string, string?> AppEnvironment { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// API-key directory for both services (see README, Authentication). Null turns authentication off
    /// explicitly (Auth__Enabled=false), which only local runs may do.
    /// </summary>
    public string? AuthKeysDirectory { get; init; }

    /// <summary>Use the conventional ports (ingest 8080, aggregator 8081, Dapr 3500/50001) when they are free.</summary>
    public bool PreferConventionalPorts { get; init; }

    /// <summary>
    /// A processing rules document (YAML or JSON, the LogPipeline's <c>spec.processing</c>). When set, the processor
    /// runs between the raw topic and the counter and the store, which then read the processed topic.
    /// </summary>
    public string? ProcessingRulesFile { get; init; }

    /// <summary>
    /// A routes document (the LogPipeline's <c>spec.routes</c> as <c>routes:</c>). When set, the router runs on the
    /// processed topic (the raw one without rules) and sends matching events to the routes' output bindings.
    /// </summary>
    public string? RoutesFile { get; init; }

    /// <summary>An extra resources directory the sidecar loads: the output binding components the routes name.</summary>
    public string? RouteComponentsDirectory { get; init; }

    /// <summary>
    /// Serve HTTPS on every service with a CA and a localhost certificate generated into <c>RunDirectory/tls</c>
    /// (<see cref="LocalPipeline.Tls"/>); the sidecar calls the apps with <c>--app-protocol https</c>, as daprd would.
    /// </summary>
    public bool Tls { get; init; }

    /// <summary>
    /// Run the log store (its own consumer group writing every event into <c>log_events</c>), as a LogPipeline with
    /// <c>spec.storage.enabled: true</c>, the default. Off is the counting pipeline alone (<c>enabled: false</c>).
    /// </summary>
    public bool WithStore { get; init; } = true;

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);

    public Action<string> Report { get; init; } = _ => { };
}
