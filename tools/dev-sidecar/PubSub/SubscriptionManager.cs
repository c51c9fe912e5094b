using LogDapr.DevSidecar.Cli;
using LogDapr.DevSidecar.Components;
using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.PubSub.Journal;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.PubSub;

/// <summary>
/// Keeps the broker's subscriptions in line with the served apps — declarative Subscription resources at
/// start-up, programmatic ones whenever an app answers /dapr/subscribe — and runs one delivery worker per
/// subscription.
/// </summary>
public sealed class SubscriptionManager : IAsyncDisposable
{
    private readonly Broker _broker;
    private readonly IReadOnlyList<SubscriptionResource> _declarative;
    private readonly DeliveryOptions _delivery;
    private readonly ILogger _logger;
    private readonly Dictionary<string, AppChannel> _apps;
    private readonly Dictionary<string, (SubscriptionWorker Worker, CancellationTokenSource Stop, Task Run)> _workers = new(StringComparer.Ordinal);
    private readonly List<Task> _appLoops = [];
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stopping = new();

    public SubscriptionManager(Broker broker, IReadOnlyList<AppTarget> apps, IReadOnlyList<SubscriptionResource> declarative, SidecarOptions options, ILogger logger)
    {
        _broker = broker;
        _declarative = declarative;
        _delivery = new DeliveryOptions(options.RedeliverSuccessful, options.DeliveryDelay);
        _logger = logger;
        _apps = apps.ToDictionary(a => a.AppId, a => new AppChannel(a, options.AppProbeInterval, options.AppHealth, options.AppApiToken, OnDiscoveredAsync, logger), StringComparer.Ordinal);
    }

    public IEnumerable<AppStatus> AppStatuses() => _apps.Values.Select(a => a.Status());

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscriptions restored from the journal for apps this run does not serve would hold messages forever.
        foreach (var stale in _broker.Subscriptions().Where(s => !_apps.ContainsKey(s.AppId)))
        {
            _logger.LogInformation("removing journaled subscription {Subscription}: app {AppId} is not served by this sidecar", stale.Id, stale.AppId);
            await _broker.UnregisterAsync(stale.Id, cancellationToken).ConfigureAwait(false);
        }

        var declaredIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var resource in _declarative)
        {
            var targets = resource.Scopes.Count == 0 ? _apps.Keys.ToList() : resource.Scopes.Where(_apps.ContainsKey).ToList();
            foreach (var unknown in resource.Scopes.Where(s => !_apps.ContainsKey(s)))
            {
                _logger.LogInformation("Subscription {Name}: scope {AppId} is not served by this sidecar (no --app); skipped for it", resource.Name, unknown);
            }

            foreach (var appId in targets)
            {
                try
                {
                    var subscription = await _broker.RegisterAsync(appId, SubscriptionKind.Declarative, resource.Spec, cancellationToken).ConfigureAwait(false);
                    if (subscription is not null)
                    {
                        declaredIds.Add(subscription.Id);
                        _logger.LogInformation("declarative subscription {Name}: app {AppId} <- {PubSub}/{Topic} (route {Route}, deadLetterTopic {DeadLetter}, bulk {Bulk})",
                            resource.Name, appId, resource.Spec.PubSubName, resource.Spec.Topic, resource.Spec.DefaultRoute ?? "(rules)", resource.Spec.DeadLetterTopic ?? "none", resource.Spec.Bulk.Enabled);
                    }
                }
                catch (DaprApiException ex)
                {
                    _logger.LogError("Subscription {Name} ({File}): {Error}", resource.Name, resource.SourceFile, ex.Message);
                }
            }
        }

        foreach (var gone in _broker.Subscriptions().Where(s => s.Kind == SubscriptionKind.Declarative && !declaredIds.Contains(s.Id)))
        {
            _logger.LogInformation("removing journaled declarative subscription {Subscription}: no longer in the resources", gone.Id);
            await _broker.UnregisterAsync(gone.Id, cancellationToken).ConfigureAwait(false);
        }

        _broker.SubscriptionsChanged += Reconcile;
        Reconcile();
        foreach (var app in _apps.Values)
        {
            _appLoops.Add(Task.Run(() => RunAppAsync(app), CancellationToken.None));
        }
    }

    private async Task RunAppAsync(AppChannel app)
    {
        try
        {
            await app.RunAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task OnDiscoveredAsync(AppTarget app, IReadOnlyList<SubscriptionSpec> specs, CancellationToken cancellationToken)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        var existing = _broker.Subscriptions().Where(s => s.AppId == app.AppId).ToDictionary(s => s.Id, StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            var id = Subscription.MakeId(app.AppId, spec.PubSubName, spec.Topic);
            if (!wanted.Add(id))
            {
                _logger.LogWarning("app {AppId}: duplicate subscription to {PubSub}/{Topic} ignored", app.AppId, spec.PubSubName, spec.Topic);
                continue;
            }

            if (existing.TryGetValue(id, out var current) && current.Kind == SubscriptionKind.Declarative)
            {
                _logger.LogWarning("app {AppId}: programmatic subscription to {PubSub}/{Topic} ignored; a declarative Subscription already covers it",
                    app.AppId, spec.PubSubName, spec.Topic);
                continue;
            }

            foreach (var rule in spec.Rules.Where(r => !string.IsNullOrWhiteSpace(r.Match) && RouteMatcher.TryCreate(r.Match) is null))
            {
                _logger.LogWarning("app {AppId}: routing rule '{Match}' is beyond the dev sidecar's CEL subset (event.attr == \"v\", !=, &&, ||); it never matches",
                    app.AppId, rule.Match);
            }

            try
            {
                await _broker.RegisterAsync(app.AppId, SubscriptionKind.Programmatic, spec, cancellationToken).ConfigureAwait(false);
                _logger.LogInformation("programmatic subscription: app {AppId} <- {PubSub}/{Topic} (route {Route}, deadLetterTopic {DeadLetter}, bulk {Bulk} max {Max}/{Await}ms)",
                    app.AppId, spec.PubSubName, spec.Topic, spec.DefaultRoute ?? "(rules)", spec.DeadLetterTopic ?? "none", spec.Bulk.Enabled, spec.Bulk.MaxMessagesCount, spec.Bulk.MaxAwaitDurationMs);
            }
            catch (DaprApiException ex)
            {
                _logger.LogError("app {AppId}: subscription to {PubSub}/{Topic} rejected: {Error}", app.AppId, spec.PubSubName, spec.Topic, ex.Message);
            }
        }

        foreach (var stale in existing.Values.Where(s => s.Kind == SubscriptionKind.Programmatic && !wanted.Contains(s.Id)))
        {
            _logger.LogInformation("app {AppId} no longer subscribes to {PubSub}/{Topic}; removing", app.AppId, stale.Spec.PubSubName, stale.Spec.Topic);
            await _broker.UnregisterAsync(stale.Id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Starts workers for new subscriptions and stops those of removed ones.</summary>
    private void Reconcile()
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            var live = _broker.Subscriptions().ToDictionary(s => s.Id, StringComparer.Ordinal);
            foreach (var (id, entry) in _workers.ToList())
            {
                if (!live.TryGetValue(id, out var s) || !ReferenceEquals(s, entry.Worker.Subscription))
                {
                    entry.Stop.Cancel();
                    _workers.Remove(id);
                }
            }

            foreach (var subscription in live.Values)
            {
                if (_workers.ContainsKey(subscription.Id) || !_apps.TryGetValue(subscription.AppId, out var app))
                {
                    continue;
                }

                var settings = _broker.GetPubSub(subscription.Spec.PubSubName);
                var worker = new SubscriptionWorker(subscription, _broker, app, settings, _delivery, _logger);
                var stop = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                var run = Task.Run(() => worker.RunAsync(stop.Token), CancellationToken.None);
                _workers[subscription.Id] = (worker, stop, run);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (_gate)
        {
            _stopping.Cancel();
            running = _workers.Values.Select(w => w.Run).Concat(_appLoops).ToArray();
        }

        _broker.SubscriptionsChanged -= Reconcile;
        try
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        foreach (var app in _apps.Values)
        {
            app.Dispose();
        }

        foreach (var worker in _workers.Values)
        {
            worker.Stop.Dispose();
        }

        _stopping.Dispose();
    }
}
