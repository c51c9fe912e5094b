using System.Globalization;
using LogDapr.DevSidecar.Bindings;
using LogDapr.DevSidecar.Cli;
using LogDapr.DevSidecar.Components;
using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.Go;
using LogDapr.DevSidecar.PubSub.Brokers;
using LogDapr.DevSidecar.PubSub.Delivery;
using LogDapr.DevSidecar.PubSub.Journal;
using LogDapr.DevSidecar.PubSub.Storage;
using LogDapr.DevSidecar.PubSub.Subscriptions;
using LogDapr.DevSidecar.Resiliency;
using LogDapr.DevSidecar.State;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.Runtime;

/// <summary>
/// The building blocks of one sidecar process: components read from the resources paths, the embedded broker
/// (journal replayed), state stores, bindings and the subscription manager. Independent of the web host so
/// the API front ends and tests share one object.
/// </summary>
public sealed class SidecarRuntime : IAsyncDisposable
{
    public const string RuntimeVersion = "dev-sidecar (development only)";

    private readonly string dataDir;
    private readonly bool deleteDataDir;
    private readonly ILogger logger;
    private int disposed;

    private SidecarRuntime(SidecarOptions options, ComponentCatalog catalog, ResiliencyPolicies resiliency, Broker broker, StateStoreRegistry stateStores,
        BindingRegistry bindings, SubscriptionManager subscriptions, string dataDir, bool deleteDataDir, ILogger logger)
    {
        Options = options;
        Catalog = catalog;
        Resiliency = resiliency;
        Broker = broker;
        StateStores = stateStores;
        State = new StateService(stateStores);
        Publisher = new Publisher(this);
        Bindings = bindings;
        Subscriptions = subscriptions;
        this.dataDir = dataDir;
        this.deleteDataDir = deleteDataDir;
        this.logger = logger;
    }

    public SidecarOptions Options { get; }
    public ComponentCatalog Catalog { get; }
    public ResiliencyPolicies Resiliency { get; }
    public Broker Broker { get; }
    public StateStoreRegistry StateStores { get; }
    public StateService State { get; }
    public Publisher Publisher { get; }
    public BindingRegistry Bindings { get; }
    public SubscriptionManager Subscriptions { get; }

    /// <summary>Set once both APIs listen and the subscription machinery runs (healthz answers 204 from then on).</summary>
    public bool Ready { get; set; }

    public static SidecarRuntime Create(SidecarOptions options, ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger("LogDapr.DevSidecar");
        var resources = ResourceLoader.Load(options.ResourcesPaths);
        foreach (var warning in resources.Warnings)
        {
            logger.LogInformation("{Warning}", warning);
        }

        var catalog = new ComponentCatalog(resources.Components, logger);
        PostgresConnectionStrings.ThrowIfUnusable(catalog);
        var resiliency = ResiliencyPolicies.Parse(resources.Resiliencies);

        var pubsubs = new List<PubSubSettings>();
        foreach (var c in catalog.OfCategory("pubsub"))
        {
            var concurrency = IntMetadata(c, "concurrency") ?? options.DefaultDeliveryConcurrency;
            BrokerProfile profile;
            try
            {
                profile = BrokerProfile.For(c.Type, c.Metadata, concurrency);
            }
            catch (FormatException ex)
            {
                throw new ResourceException($"component {c.Name} ({c.Type}): {ex.Message}");
            }

            var settings = new PubSubSettings(
                c.Name,
                c.Type,
                IntMetadata(c, "maxPendingPerTopic") ?? options.MaxPendingPerTopic,
                concurrency,
                resiliency.Inbound(c.Name),
                profile)
            {
                ConsumerGroupOf = appId => ConsumerGroupOf(catalog, c, appId),
            };
            pubsubs.Add(settings);
            logger.LogInformation(
                "component {Component} type {Type}: served by the embedded journaled broker (development only); {Emulation}; maxPendingPerTopic={MaxPending} inbound {Policy} retry-in-force={Retry}",
                c.Name, c.Type, profile.Description, settings.MaxPendingPerTopic, settings.Inbound.Describe(), Describe(settings.Retry));
        }

        var stateStores = new StateStoreRegistry(catalog.OfCategory("state"));
        foreach (var c in catalog.OfCategory("state"))
        {
            var model = stateStores.Find(c.Name)!.Model;
            if (StateStoreRegistry.IsEmulated(c.Type))
            {
                logger.LogInformation("component {Component} type {Type}: served in memory with the concurrency, TTL and transaction rules of {Model} (development only; not persisted)", c.Name, c.Type, model);
            }
            else
            {
                logger.LogWarning("component {Component} type {Type}: served in memory with the rules of {Model}, NOT those of {Type} (development only)", c.Name, c.Type, model, c.Type);
            }
        }

        foreach (var c in catalog.OfCategory("secretstores"))
        {
            if (c.Type == "secretstores.local.env")
            {
                logger.LogInformation("component {Component} type {Type}: served (secret X = environment variable X)", c.Name, c.Type);
            }
            else
            {
                logger.LogWarning("component {Component} type {Type}: NOT served (the development sidecar supports secretstores.local.env only)", c.Name, c.Type);
            }
        }

        foreach (var c in catalog.All.Where(c => c.Resource.Category is not ("pubsub" or "state" or "bindings" or "secretstores")))
        {
            logger.LogWarning("component {Component} type {Type}: NOT served by the development sidecar", c.Name, c.Type);
        }

        var bindings = new BindingRegistry(catalog.OfCategory("bindings"), resiliency, logger);

        var deleteDataDir = options.DataDir is null;
        var dataDir = options.DataDir ?? Path.Combine(Path.GetTempPath(), "logdapr-dev-sidecar-" + Guid.NewGuid().ToString("N"));
        if (deleteDataDir)
        {
            logger.LogWarning("no --data-dir: journaling to throw-away {DataDir}; pending messages will not survive a restart", dataDir);
        }

        var broker = new Broker(pubsubs, options.PayloadMemoryBudgetBytes, loggerFactory.CreateLogger("LogDapr.DevSidecar.Broker"));
        try
        {
            broker.Open(Path.Combine(dataDir, "journal"), options.JournalSegmentBytes, options.JournalFsync);
        }
        catch
        {
            _ = bindings.DisposeAsync();
            throw;
        }

        if (options.AppApiToken is not null)
        {
            logger.LogInformation("APP_API_TOKEN is set: calls to the apps carry dapr-api-token");
        }

        var subscriptions = new SubscriptionManager(broker, options.Apps, resources.Subscriptions, options, loggerFactory.CreateLogger("LogDapr.DevSidecar.Delivery"));
        return new SidecarRuntime(options, catalog, resiliency, broker, stateStores, bindings, subscriptions, dataDir, deleteDataDir, logger);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Subscriptions.StartAsync(cancellationToken);

    /// <summary>What daprd's metadata API answers the calling app: only the components loaded for it, its subscriptions.</summary>
    public SidecarMetadata Metadata(string appId)
    {
        var components = Catalog.All
            .Where(c => c.IsLoadedFor(appId))
            .Select(c => new ComponentMetadata(c.Name, c.Type, c.Resource.Version, Capabilities(c)))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
        var subscriptions = Broker.Subscriptions()
            .Where(s => s.AppId == appId)
            .Select(s => new SubscriptionMetadata(
                s.AppId,
                s.Spec.PubSubName,
                s.Spec.Topic,
                s.Spec.DeadLetterTopic,
                s.Spec.Metadata,
                s.Spec.Rules.Concat(s.Spec.DefaultRoute is { } d ? [new RouteRule("", d)] : []).ToList(),
                s.Kind == SubscriptionKind.Declarative))
            .ToList();
        var extended = new Dictionary<string, string>
        {
            ["dev-sidecar"] = "true",
            ["apps"] = string.Join(",", Options.Apps.Select(a => a.AppId)),
            ["data-dir"] = this.dataDir,
        };
        return new SidecarMetadata(appId, RuntimeVersion, components, subscriptions, extended);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        Ready = false;
        await Subscriptions.DisposeAsync().ConfigureAwait(false);
        await Broker.DisposeAsync().ConfigureAwait(false);
        await Bindings.DisposeAsync().ConfigureAwait(false);
        if (this.deleteDataDir)
        {
            try
            {
                Directory.Delete(this.dataDir, recursive: true);
            }
            catch (IOException ex)
            {
                this.logger.LogWarning("could not delete {DataDir}: {Error}", this.dataDir, ex.Message);
            }
        }
    }

    // daprd v1.16.0 pkg/runtime/runtime.go getComponentsCapabilitesMap: the component's Features(). Left out because
    // the sidecar does not serve them: ACTOR (state stores with ETag + transactions) and QUERY_API.
    private IReadOnlyList<string> Capabilities(ResolvedComponent component) => component.Resource.Category switch
    {
        "state" => StateStores.Find(component.Name)?.Capabilities ?? [],
        "pubsub" => component.Type == "pubsub.kafka" ? ["BULK_PUBSUB"] : [],
        "bindings" => ["OUTPUT_BINDING"],
        _ => [],
    };

    private static (string? Group, string? Error) ConsumerGroupOf(ComponentCatalog catalog, ResolvedComponent component, string appId)
    {
        try
        {
            return (ConsumerGroups.GroupOf(component.Type, catalog.MetadataFor(component, appId), appId), null);
        }
        catch (ResourceTemplateException ex)
        {
            return (null, ex.Message);
        }
    }

    private static int? IntMetadata(ResolvedComponent component, string key) =>
        component.Metadata.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

    private static string Describe(RetryPolicy retry) =>
        retry.Exponential
            ? $"{retry.Name}: exponential initial {GoDuration.Format(retry.InitialInterval)} max {GoDuration.Format(retry.MaxInterval)} maxRetries {retry.MaxRetries}"
            : $"{retry.Name}: constant {GoDuration.Format(retry.Duration)} maxRetries {retry.MaxRetries}";
}
