using System.Globalization;
using System.Security.Cryptography;
using LogDapr.Configuration;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Pipeline;
using LogDapr.LocalStack.Layout;
using LogDapr.LocalStack.Postgres;
using LogDapr.LocalStack.Processes;
using LogDapr.LocalStack.Tls;

namespace LogDapr.LocalStack.Pipeline;

/// <summary>
/// The whole pipeline as separate local processes: Postgres, the development sidecar (standing in for daprd),
/// the aggregator and ingest. Used by the local runner and the end-to-end tests, which stop, kill and restart
/// the parts to prove the pipeline's guarantees. As with daprd (one sidecar per app), each app id has its own Dapr
/// API ports, so component scopes apply: ingest and the aggregator each talk to their own pair, and the publisher
/// app id <see cref="PublisherAppId"/> (any language publishing straight onto the topic) gets the conventional
/// 3500/50001.
/// </summary>
public sealed class LocalPipeline : IAsyncDisposable
{
    /// <summary>The app id of the Dapr API on <see cref="SidecarHttpUrl"/>; components/pubsub.yaml lists it in its scopes.</summary>
    public const string PublisherAppId = "logdapr-publisher";

    private readonly LocalPipelineOptions options;
    private readonly RepoLayout layout;
    private readonly int sidecarHttpPort;
    private readonly int sidecarGrpcPort;
    private readonly (int Http, int Grpc) ingestDapr;
    private readonly (int Http, int Grpc) aggregatorDapr;
    private readonly (int Http, int Grpc) storeDapr;
    private readonly (int Http, int Grpc) processorDapr;
    private readonly (int Http, int Grpc) routerDapr;
    private readonly int ingestPort;
    private readonly int ingestOtlpGrpcPort;
    private readonly int aggregatorPort;
    private readonly int storePort;
    private readonly int processorPort;
    private readonly int routerPort;
    private readonly ManagedProcess? store;

    // Dapr's app token for this run: the sidecar sends it (APP_API_TOKEN, as daprd) and the aggregator requires it
    // on /dapr/*, so nothing but the sidecar can post deliveries.

    private LocalPipeline(LocalPipelineOptions options, RepoLayout layout, PostgresServer postgres)
    {
        this.options = options;
        sidecarHttpPort = Pick(3500);
        sidecarGrpcPort = Pick(50001);
        ingestDapr = (FreePorts.Next(), FreePorts.Next());
        aggregatorDapr = (FreePorts.Next(), FreePorts.Next());
        storeDapr = (FreePorts.Next(), FreePorts.Next());
        processorDapr = (FreePorts.Next(), FreePorts.Next());
        routerDapr = (FreePorts.Next(), FreePorts.Next());
        ingestPort = Pick(PipelineDefaults.IngestPort);
        ingestOtlpGrpcPort = Pick(PipelineDefaults.IngestOtlpGrpcPort);
        aggregatorPort = Pick(PipelineDefaults.AggregatorPort);
        storePort = Pick(PipelineDefaults.StorePort);
        processorPort = Pick(PipelineDefaults.ProcessorPort);
        routerPort = Pick(PipelineDefaults.RouterPort);
        this.layout = layout;
        Postgres = postgres;
        // A new CA and certificate per run: nothing from an earlier run stays trusted.
        Tls = options.Tls ? LocalTlsFiles.Create(Path.Combine(options.RunDirectory, "tls")) : null;
        // Dapr's app token, as the operator gives it to daprd and the app: /dapr/* is closed locally too.
        AppToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        CursorKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        RedactionHashKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var logs = Path.Combine(options.RunDirectory, "logs");
        Sidecar = new ManagedProcess(SidecarSpec(), logs);
        Aggregator = new ManagedProcess(AppSpec(PipelineDefaults.AggregatorAppId, layout.AggregatorDll, aggregatorPort, aggregatorDapr, withDatabase: true,
            role: AggregatorRole.Counter), logs);
        Ingest = new ManagedProcess(AppSpec(PipelineDefaults.IngestAppId, layout.IngestDll, ingestPort, ingestDapr, withDatabase: false), logs);
        // The store is the aggregator's binary in its other role, with its own app id and so its own consumer group.
        store = options.WithStore
            ? new ManagedProcess(AppSpec(PipelineDefaults.StoreAppId, layout.AggregatorDll, storePort, storeDapr, withDatabase: true,
                role: AggregatorRole.Store), logs)
            : null;
        // With rules, the processor sits between the raw topic and the counter and the store.
        Processor = options.ProcessingRulesFile is null
            ? null
            : new ManagedProcess(AppSpec(PipelineDefaults.ProcessorAppId, layout.AggregatorDll, processorPort, processorDapr, withDatabase: true,
                role: AggregatorRole.Processor), logs);
        // With routes, the router reads what the counter reads, as a consumer group of its own.
        Router = options.RoutesFile is null
            ? null
            : new ManagedProcess(AppSpec(PipelineDefaults.RouterAppId, layout.AggregatorDll, routerPort, routerDapr, withDatabase: true,
                role: AggregatorRole.Router), logs);
    }

    /// <summary>Where the logs, the sidecar journal and (by default) the Postgres cluster live.</summary>
    public string RunDirectory => options.RunDirectory;

    public PostgresServer Postgres { get; }
    public ManagedProcess Sidecar { get; }
    public ManagedProcess Aggregator { get; }
    public ManagedProcess Ingest { get; }

    /// <summary>The store role; a pipeline started without it (<see cref="LocalPipelineOptions.WithStore"/>) has none.</summary>
    public ManagedProcess Store => store ?? throw new InvalidOperationException("this pipeline runs without the log store (WithStore = false)");

    public bool HasStore => store is not null;

    /// <summary>The processor role, when the pipeline runs with processing rules.</summary>
    public ManagedProcess? Processor { get; }

    /// <summary>The router role, when the pipeline runs with routes.</summary>
    public ManagedProcess? Router { get; }

    /// <summary>With <see cref="LocalPipelineOptions.Tls"/>: the CA (ca.crt, for curl --cacert) and the services' certificate.</summary>
    public LocalTlsFiles? Tls { get; }

    /// <summary>A handler trusting the services' CA when they serve HTTPS, else null (plain HTTP needs none).</summary>
    public HttpMessageHandler? TrustingHandler() => Tls?.TrustingHandler();

    private string Scheme => Tls is null ? "http" : "https";

    /// <summary>The hash-mode redaction key (<c>Processing__HashKey</c>) for this run.</summary>
    public string RedactionHashKey { get; }

    /// <summary>The app token (<c>APP_API_TOKEN</c>) the sidecar sends in <c>dapr-api-token</c> on every call to the apps.</summary>
    public string AppToken { get; }

    /// <summary>The store's cursor-signing key (<c>Store__CursorKey</c>) for this run.</summary>
    public string CursorKey { get; }

    public Uri IngestUrl => new($"{Scheme}://127.0.0.1:{ingestPort}");

    /// <summary>Ingest's OTLP/gRPC endpoint (h2c, or h2 over TLS with <see cref="LocalPipelineOptions.Tls"/>), what an OTLP exporter in gRPC mode points at.</summary>
    public Uri IngestOtlpGrpcUrl => new($"{Scheme}://127.0.0.1:{ingestOtlpGrpcPort}");
    public Uri AggregatorUrl => new($"{Scheme}://127.0.0.1:{aggregatorPort}");
    public Uri StoreUrl => new($"{Scheme}://127.0.0.1:{storePort}");
    public Uri ProcessorUrl => new($"{Scheme}://127.0.0.1:{processorPort}");
    public Uri RouterUrl => new($"{Scheme}://127.0.0.1:{routerPort}");
    /// <summary>The Dapr HTTP API of <see cref="PublisherAppId"/> (3500 when free): what the README's curl examples use.</summary>
    public Uri SidecarHttpUrl => new($"http://127.0.0.1:{sidecarHttpPort}");
    public int SidecarGrpcPort => sidecarGrpcPort;

    /// <summary>The Dapr API ports of an app id served by the sidecar.</summary>
    public (int Http, int Grpc) DaprPorts(string appId) => appId switch
    {
        PipelineDefaults.IngestAppId => ingestDapr,
        PipelineDefaults.AggregatorAppId => aggregatorDapr,
        PipelineDefaults.StoreAppId => storeDapr,
        PipelineDefaults.ProcessorAppId when Processor is not null => processorDapr,
        PipelineDefaults.RouterAppId when Router is not null => routerDapr,
        PublisherAppId => (sidecarHttpPort, sidecarGrpcPort),
        _ => throw new ArgumentException($"the local pipeline serves no app id {appId}", nameof(appId)),
    };

    /// <summary>
    /// Starts everything; when a port chosen as free was taken by another process before ours bound it, starts again
    /// on new ports (tests start many pipelines in parallel processes).
    /// </summary>
    public static async Task<LocalPipeline> StartAsync(LocalPipelineOptions options, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (attempt < 3 && ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                options.Report($"A port was taken while starting ({ex.GetType().Name}); starting again on new ports");
            }
        }
    }

    private static async Task<LocalPipeline> StartOnceAsync(LocalPipelineOptions options, CancellationToken cancellationToken)
    {
        var layout = RepoLayout.Discover();
        Directory.CreateDirectory(options.RunDirectory);
        var binaries = await PostgresBinaries.EnsureAsync(options.AllowPostgresInstall, options.Report, cancellationToken).ConfigureAwait(false);
        var postgresDirectory = options.PostgresDirectory ?? Path.Combine(options.RunDirectory, "postgres");
        options.Report($"Starting PostgreSQL from {binaries} in {postgresDirectory}");
        var postgres = await PostgresServer.StartAsync(binaries, postgresDirectory, FreePorts.Next(), options.DurablePostgres, cancellationToken).ConfigureAwait(false);
        if (postgres.LeftoverStopped)
        {
            options.Report("Stopped a PostgreSQL that an earlier run left running on this data directory");
        }

        var pipeline = new LocalPipeline(options, layout, postgres);
        try
        {
            await pipeline.StartSidecarAsync(cancellationToken).ConfigureAwait(false);
            await pipeline.StartAggregatorAsync(cancellationToken).ConfigureAwait(false);
            await pipeline.StartStoreAsync(cancellationToken).ConfigureAwait(false);
            await pipeline.StartProcessorAsync(cancellationToken).ConfigureAwait(false);
            await pipeline.StartRouterAsync(cancellationToken).ConfigureAwait(false);
            await pipeline.WaitUntilDeliveringAsync(cancellationToken).ConfigureAwait(false);
            await pipeline.StartIngestAsync(cancellationToken).ConfigureAwait(false);
            return pipeline;
        }
        catch
        {
            await pipeline.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task StartSidecarAsync(CancellationToken cancellationToken)
    {
        options.Report($"Starting the development sidecar ({PublisherAppId} http {sidecarHttpPort} grpc {sidecarGrpcPort}; "
            + $"{PipelineDefaults.IngestAppId} http {ingestDapr.Http} grpc {ingestDapr.Grpc}; {PipelineDefaults.AggregatorAppId} http {aggregatorDapr.Http} grpc {aggregatorDapr.Grpc}; "
            + $"{PipelineDefaults.StoreAppId} http {storeDapr.Http} grpc {storeDapr.Grpc}"
            + (Processor is null ? "" : $"; {PipelineDefaults.ProcessorAppId} http {processorDapr.Http} grpc {processorDapr.Grpc}")
            + (Router is null ? ")" : $"; {PipelineDefaults.RouterAppId} http {routerDapr.Http} grpc {routerDapr.Grpc})"));
        Sidecar.Start();
        await Sidecar.WaitForHttpAsync(new Uri(SidecarHttpUrl, "/v1.0/healthz"), options.StartTimeout, cancellationToken).ConfigureAwait(false);
    }

    public async Task StartAggregatorAsync(CancellationToken cancellationToken)
    {
        options.Report($"Starting the aggregator on {AggregatorUrl}");
        Aggregator.Start();
        await Aggregator.WaitForHttpAsync(new Uri(AggregatorUrl, "/readyz"), options.StartTimeout, cancellationToken, TrustingHandler()).ConfigureAwait(false);
    }

    public async Task StartStoreAsync(CancellationToken cancellationToken)
    {
        if (store is null)
        {
            return;
        }

        options.Report($"Starting the log store on {StoreUrl}");
        Store.Start();
        await Store.WaitForHttpAsync(new Uri(StoreUrl, "/readyz"), options.StartTimeout, cancellationToken, TrustingHandler()).ConfigureAwait(false);
    }

    public async Task StartProcessorAsync(CancellationToken cancellationToken)
    {
        if (Processor is null)
        {
            return;
        }

        options.Report($"Starting the processor on {ProcessorUrl} with the rules in {options.ProcessingRulesFile}");
        Processor.Start();
        await Processor.WaitForHttpAsync(new Uri(ProcessorUrl, "/readyz"), options.StartTimeout, cancellationToken, TrustingHandler()).ConfigureAwait(false);
    }

    public async Task StartRouterAsync(CancellationToken cancellationToken)
    {
        if (Router is null)
        {
            return;
        }

        options.Report($"Starting the router on {RouterUrl} with the routes in {options.RoutesFile}");
        Router.Start();
        await Router.WaitForHttpAsync(new Uri(RouterUrl, "/readyz"), options.StartTimeout, cancellationToken, TrustingHandler()).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until the sidecar's health probe has seen the aggregator ready and its subscriptions run, as daprd starts
    /// them only after the first healthy probe: "up" then means events are counted, not only accepted.
    /// </summary>
    public async Task WaitUntilDeliveringAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + options.StartTimeout;
        while (true)
        {
            try
            {
                var apps = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync(new Uri(SidecarHttpUrl, "/v1.0-dev/apps"), cancellationToken).ConfigureAwait(false));
                if (apps?["apps"] is System.Text.Json.Nodes.JsonArray list
                    && SubscriberAppIds().All(id => list.Any(a => (string?)a?["appId"] == id && (string?)a?["state"] == "READY")))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the sidecar did not start delivering to the aggregator and the store within {options.StartTimeout}.{Environment.NewLine}{Sidecar.Tail()}");
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StartIngestAsync(CancellationToken cancellationToken)
    {
        options.Report($"Starting ingest on {IngestUrl}");
        Ingest.Start();
        await Ingest.WaitForHttpAsync(new Uri(IngestUrl, "/readyz"), options.StartTimeout, cancellationToken, TrustingHandler()).ConfigureAwait(false);
    }

    /// <summary>Every log file's tail, for failure messages.</summary>
    public string Diagnostics() => string.Join(Environment.NewLine, Sidecar.Tail(), Aggregator.Tail(), store?.Tail() ?? "", Processor?.Tail() ?? "", Router?.Tail() ?? "", Ingest.Tail());

    private string[] SubscriberAppIds() =>
    [
        PipelineDefaults.AggregatorAppId,
        .. store is null ? Array.Empty<string>() : [PipelineDefaults.StoreAppId],
        .. Processor is null ? Array.Empty<string>() : [PipelineDefaults.ProcessorAppId],
        .. Router is null ? Array.Empty<string>() : [PipelineDefaults.RouterAppId],
    ];

    public async ValueTask DisposeAsync()
    {
        await Ingest.DisposeAsync().ConfigureAwait(false);
        await Aggregator.DisposeAsync().ConfigureAwait(false);
        if (store is not null)
        {
            await store.DisposeAsync().ConfigureAwait(false);
        }

        if (Processor is not null)
        {
            await Processor.DisposeAsync().ConfigureAwait(false);
        }

        if (Router is not null)
        {
            await Router.DisposeAsync().ConfigureAwait(false);
        }

        await Sidecar.DisposeAsync().ConfigureAwait(false);
        await Postgres.DisposeAsync().ConfigureAwait(false);
        Tls?.Dispose();
    }

    /// <summary>
    /// App health checks on with the values the operator renders (daprd's flags: /readyz every 5 s, 3 s timeout, 3
    /// failures): a dead or restarting aggregator, or one whose Postgres is down, pauses its subscriptions instead of
    /// using up attempts, and one slow probe on a loaded machine does not.
    /// </summary>
    private static readonly string[] AppHealthCheckArguments =
    [
        "--enable-app-health-check", "--app-health-check-path", "/readyz",
        "--app-health-probe-interval", "5", "--app-health-probe-timeout", "3000", "--app-health-threshold", "3",
    ];

    private ProcessSpec SidecarSpec() => DevSidecarSpec.Create(
        layout,
        [
            new SidecarApp(PublisherAppId, null, sidecarHttpPort, sidecarGrpcPort),
            new SidecarApp(PipelineDefaults.AggregatorAppId, AggregatorUrl, aggregatorDapr.Http, aggregatorDapr.Grpc),
            .. options.WithStore
                ? [new SidecarApp(PipelineDefaults.StoreAppId, StoreUrl, storeDapr.Http, storeDapr.Grpc)]
                : Array.Empty<SidecarApp>(),
            .. options.ProcessingRulesFile is null
                ? Array.Empty<SidecarApp>()
                : [new SidecarApp(PipelineDefaults.ProcessorAppId, ProcessorUrl, processorDapr.Http, processorDapr.Grpc)],
            .. options.RoutesFile is null
                ? Array.Empty<SidecarApp>()
                : [new SidecarApp(PipelineDefaults.RouterAppId, RouterUrl, routerDapr.Http, routerDapr.Grpc)],
            new SidecarApp(PipelineDefaults.IngestAppId, IngestUrl, ingestDapr.Http, ingestDapr.Grpc),
        ],
        Path.Combine(options.RunDirectory, "sidecar"),
        [
            .. AppHealthCheckArguments, .. options.SidecarArguments,
            // As daprd with dapr.io/app-protocol: https: the apps serve HTTPS, the app channel does not verify them.
            .. options.Tls ? ["--app-protocol", "https"] : Array.Empty<string>(),
            // The routes' output bindings, in a directory of their own next to the pipeline's components.
            .. options.RouteComponentsDirectory is null ? Array.Empty<string>() : ["--resources-path", options.RouteComponentsDirectory],
        ],
        new Dictionary<string, string?>
        {
            ["LOGDAPR_PG_CONNECTION"] = Postgres.LibpqConnectionString,
            // components/binding-archive.yaml's rootPath (the store role's archive), under this run's directory.
            ["LOGDAPR_ARCHIVE_DIR"] = Path.Combine(options.RunDirectory, "archive"),
            ["APP_API_TOKEN"] = AppToken,
            ["DOTNET_gcServer"] = "0",
        },
        BrokerResources.Prepare(layout, options.Broker, options.RunDirectory));

    /// <param name="withDatabase">Only the aggregator and the store get database credentials; ingest never needs them.</param>
    private ProcessSpec AppSpec(string appId, string dll, int port, (int Http, int Grpc) dapr, bool withDatabase, AggregatorRole? role = null)
    {
        var environment = new Dictionary<string, string?>
        {
            [ConfigKeys.Urls] = $"{Scheme}://127.0.0.1:{Port(port)}",
            [ConfigKeys.DaprHttpPortEnv] = Port(dapr.Http),
            [ConfigKeys.DaprGrpcPortEnv] = Port(dapr.Grpc),
            ["APP_ID"] = appId,
            ["DOTNET_gcServer"] = "0",
        };
        if (appId == PipelineDefaults.IngestAppId)
        {
            environment[Env(ConfigKeys.IngestOtlpGrpcPort)] = Port(ingestOtlpGrpcPort);
        }

        if (Tls is not null)
        {
            environment["Tls__CertificateFile"] = Tls.CertificateFile;
            environment["Tls__KeyFile"] = Tls.KeyFile;
        }

        if (options.AuthKeysDirectory is null)
        {
            environment["Auth__Enabled"] = "false";
        }
        else
        {
            environment["Auth__KeysPath"] = options.AuthKeysDirectory;
            environment["Auth__ReloadInterval"] = "00:00:00.200";
        }

        if (withDatabase)
        {
            environment[Env(ConfigKeys.PostgresConnectionString)] = Postgres.LibpqConnectionString;
            environment["APP_API_TOKEN"] = AppToken;
        }

        if (role is { } r)
        {
            environment[Env(ConfigKeys.AggregatorRole)] = r.ToString();
        }

        if (options.ProcessingRulesFile is { } rules)
        {
            if (role == AggregatorRole.Processor)
            {
                environment[Env(ConfigKeys.ProcessingRulesFile)] = rules;
                environment[Env(ConfigKeys.ProcessingHashKey)] = RedactionHashKey;
                environment[Env(ConfigKeys.ProcessingReloadInterval)] = "00:00:01";
            }
            else if (role is not null)
            {
                // The counter and the store read what the processor publishes; ingest keeps publishing to the raw topic,
                // and a replayed dead letter goes there too, to be processed again.
                environment[Env(ConfigKeys.Topic)] = PipelineDefaults.ProcessedTopic;
                environment[Env(ConfigKeys.ReplayTopic)] = PipelineDefaults.LogsTopic;
            }
            else
            {
                // Ingest applies the rules' mapping section too, so an event named only by the pipeline's aliases gets in.
                environment[Env(ConfigKeys.IngestFieldMappingFile)] = rules;
                environment[Env(ConfigKeys.IngestFieldMappingReloadInterval)] = "00:00:01";
            }
        }

        if (role == AggregatorRole.Router)
        {
            environment[Env(ConfigKeys.RoutingRoutesFile)] = options.RoutesFile;
        }

        if (role == AggregatorRole.Store)
        {
            // Search cursors are signed with it; outside Development the store refuses to start without one. One per
            // run, as the operator generates one per pipeline.
            environment[Env(ConfigKeys.StoreCursorKey)] = CursorKey;
        }

        foreach (var (key, value) in options.AppEnvironment)
        {
            environment[key] = value;
        }

        return ProcessSpec.Dotnet(appId, dll, [], environment);
    }

    private int Pick(int conventional) => options.PreferConventionalPorts ? FreePorts.PreferOrNext(conventional) : FreePorts.Next();

    private static string Env(string configKey) => configKey.Replace(":", "__", StringComparison.Ordinal);

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
