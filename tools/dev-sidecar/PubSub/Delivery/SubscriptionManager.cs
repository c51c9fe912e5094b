using LogDapr.DevSidecar.Cli;
using LogDapr.DevSidecar.Components;
using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.PubSub.Apps;
using LogDapr.DevSidecar.PubSub.Journal;
using LogDapr.DevSidecar.PubSub.Storage;
using LogDapr.DevSidecar.PubSub.Subscriptions;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.PubSub.Delivery;

/// <summary>
/// Keeps the broker's subscriptions in line with the served apps — declarative Subscription resources at
/// start-up, programmatic ones whenever an app answers /dapr/subscribe — and runs one delivery worker per
/// subscription.
/// </summary>
public sealed class SubscriptionManager : IAsyncDisposable
{
    private readonly Broker broker;
    private readonly IReadOnlyList<SubscriptionResource> declarative;
    private readonly DeliveryOptions delivery;
    private readonly ILogger logger;
    private readonly Dictionary<string, AppChannel> apps;
    private readonly Dictionary<string, (SubscriptionWorker Worker, CancellationTokenSource Stop, Task Run)> workers = new(StringComparer.Ordinal);
    private readonly List<Task> appLoops = [];
    private readonly object gate = new();
    private readonly CancellationTokenSource stopping = new();

    public SubscriptionManager(Broker broker, IReadOnlyList<AppTarget> apps, IReadOnlyList<SubscriptionResource> declarative, SidecarOptions options, ILogger logger)
    {
        this.broker = broker;
        this.declarative = declarative;
        this.delivery = new DeliveryOptions(options.RedeliverSuccessful, options.DeliveryDelay);
        this.logger = logger;
        this.apps = apps.ToDictionary(a => a.AppId, a => new AppChannel(a, options.AppProbeInterval, options.AppHealth, options.AppApiToken, OnDiscoveredAsync, logger), StringComparer.Ordinal);
    }

    public IEnumerable<AppStatus> AppStatuses() => this.apps.Values.Select(a => a.Status());

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscriptions restored from the journal for apps this run does not serve would hold messages forever.
        foreach (var stale in this.broker.Subscriptions().Where(s => !this.apps.ContainsKey(s.AppId)))
        {
            this.logger.LogInformation("removing journaled subscription {Subscription}: app {AppId} is not served by this sidecar", stale.Id, stale.AppId);
            await this.broker.UnregisterAsync(stale.Id, cancellationToken).ConfigureAwait(false);
        }

        var declaredIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var resource in this.declarative)
        {
            var targets = resource.Scopes.Count == 0 ? this.apps.Keys.ToList() : resource.Scopes.Where(this.apps.ContainsKey).ToList();
            foreach (var unknown in resource.Scopes.Where(s => !this.apps.ContainsKey(s)))
            {
                this.logger.LogInformation("Subscription {Name}: scope {AppId} is not served by this sidecar (no --app); skipped for it", resource.Name, unknown);
            }

            foreach (var appId in targets)
            {
                try
                {
                    var subscription = await this.broker.RegisterAsync(appId, SubscriptionKind.Declarative, resource.Spec, cancellationToken).ConfigureAwait(false);
                    if (subscription is not null)
                    {
                        declaredIds.Add(subscription.Id);
                        this.logger.LogInformation("declarative subscription {Name}: app {AppId} <- {PubSub}/{Topic} (route {Route}, deadLetterTopic {DeadLetter}, bulk {Bulk})",
                            resource.Name, appId, resource.Spec.PubSubName, resource.Spec.Topic, resource.Spec.DefaultRoute ?? "(rules)", resource.Spec.DeadLetterTopic ?? "none", resource.Spec.Bulk.Enabled);
                    }
                }
                catch (DaprApiException ex)
                {
                    this.logger.LogError("Subscription {Name} ({File}): {Error}", resource.Name, resource.SourceFile, ex.Message);
                }
            }
        }

        foreach (var gone in this.broker.Subscriptions().Where(s => s.Kind == SubscriptionKind.Declarative && !declaredIds.Contains(s.Id)))
        {
            this.logger.LogInformation("removing journaled declarative subscription {Subscription}: no longer in the resources", gone.Id);
            await this.broker.UnregisterAsync(gone.Id, cancellationToken).ConfigureAwait(false);
        }

        this.broker.SubscriptionsChanged += Reconcile;
        Reconcile();
        foreach (var app in this.apps.Values)
        {
            appLoops.Add(Task.Run(() => RunAppAsync(app), CancellationToken.None));
        }
    }

    private async Task RunAppAsync(AppChannel app)
    {
        try
        {
            await app.RunAsync(stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task OnDiscoveredAsync(AppTarget app, IReadOnlyList<SubscriptionSpec> specs, CancellationToken cancellationToken)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        var existing = this.broker.Subscriptions().Where(s => s.AppId == app.AppId).ToDictionary(s => s.Id, StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            var id = Subscription.MakeId(app.AppId, spec.PubSubName, spec.Topic);
            if (!wanted.Add(id))
            {
                this.logger.LogWarning("app {AppId}: duplicate subscription to {PubSub}/{Topic} ignored", app.AppId, spec.PubSubName, spec.Topic);
                continue;
            }

            if (existing.TryGetValue(id, out var current) && current.Kind == SubscriptionKind.Declarative)
            {
                this.logger.LogWarning("app {AppId}: programmatic subscription to {PubSub}/{Topic} ignored; a declarative Subscription already covers it",
                    app.AppId, spec.PubSubName, spec.Topic);
                continue;
            }

            foreach (var rule in spec.Rules.Where(r => !string.IsNullOrWhiteSpace(r.Match) && RouteMatcher.TryCreate(r.Match) is null))
            {
                this.logger.LogWarning("app {AppId}: routing rule '{Match}' is beyond the dev sidecar's CEL subset (event.attr == \"v\", !=, &&, ||); it never matches",
                    app.AppId, rule.Match);
            }

            try
            {
                await this.broker.RegisterAsync(app.AppId, SubscriptionKind.Programmatic, spec, cancellationToken).ConfigureAwait(false);
                this.logger.LogInformation("programmatic subscription: app {AppId} <- {PubSub}/{Topic} (route {Route}, deadLetterTopic {DeadLetter}, bulk {Bulk} max {Max}/{Await}ms)",
                    app.AppId, spec.PubSubName, spec.Topic, spec.DefaultRoute ?? "(rules)", spec.DeadLetterTopic ?? "none", spec.Bulk.Enabled, spec.Bulk.MaxMessagesCount, spec.Bulk.MaxAwaitDurationMs);
            }
            catch (DaprApiException ex)
            {
                this.logger.LogError("app {AppId}: subscription to {PubSub}/{Topic} rejected: {Error}", app.AppId, spec.PubSubName, spec.Topic, ex.Message);
            }
        }

        foreach (var stale in existing.Values.Where(s => s.Kind == SubscriptionKind.Programmatic && !wanted.Contains(s.Id)))
        {
            this.logger.LogInformation("app {AppId} no longer subscribes to {PubSub}/{Topic}; removing", app.AppId, stale.Spec.PubSubName, stale.Spec.Topic);
            await this.broker.UnregisterAsync(stale.Id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Starts workers for new subscriptions and stops those of removed ones.</summary>
    private void Reconcile()
    {
        lock (gate)
        {
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            var live = this.broker.Subscriptions().ToDictionary(s => s.Id, StringComparer.Ordinal);
            foreach (var (id, entry) in this.workers.ToList())
            {
                if (!live.TryGetValue(id, out var s) || !ReferenceEquals(s, entry.Worker.Subscription))
                {
                    entry.Stop.Cancel();
                    this.workers.Remove(id);
                }
            }

            foreach (var subscription in live.Values)
            {
                if (this.workers.ContainsKey(subscription.Id) || !this.apps.TryGetValue(subscription.AppId, out var app))
                {
                    continue;
                }

                var settings = this.broker.GetPubSub(subscription.Spec.PubSubName);
                var worker = new SubscriptionWorker(subscription, this.broker, app, settings, this.delivery, this.logger);
                var stop = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
                var run = Task.Run(() => worker.RunAsync(stop.Token), CancellationToken.None);
                this.workers[subscription.Id] = (worker, stop, run);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (gate)
        {
            stopping.Cancel();
            running = this.workers.Values.Select(w => w.Run).Concat(appLoops).ToArray();
        }

        this.broker.SubscriptionsChanged -= Reconcile;
        try
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        foreach (var app in this.apps.Values)
        {
            app.Dispose();
        }

        foreach (var worker in this.workers.Values)
        {
            worker.Stop.Dispose();
        }

        stopping.Dispose();
    }
}
