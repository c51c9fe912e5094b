using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogDapr.DevSidecar.Cli;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.PubSub;

/// <summary>Where an app stands from the sidecar's point of view.</summary>
public enum AppState
{
    /// <summary>Not reached yet: subscription discovery is being retried.</summary>
    Discovering,

    /// <summary>Discovered and accepting deliveries.</summary>
    Ready,

    /// <summary>A delivery could not connect: deliveries pause while the app is probed (and re-discovered).</summary>
    Unreachable,
}

/// <summary>
/// The sidecar's connection to one app: deliveries, subscription discovery, and health. Like daprd with app
/// health checks, an app that cannot be reached pauses its subscriptions instead of burning retries: delivery
/// waits in <see cref="WaitUntilReadyAsync"/> until the probe — a fresh <c>GET /dapr/subscribe</c>, which also
/// re-discovers subscriptions after the app restarted — succeeds again.
/// </summary>
public sealed class AppChannel : IDisposable
{
    private readonly object _gate = new();
    private readonly Func<AppTarget, IReadOnlyList<SubscriptionSpec>, CancellationToken, Task> _onDiscovered;
    private readonly TimeSpan _probeInterval;
    private readonly ILogger _logger;
    private readonly AsyncSignal _wake = new();
    private TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private AppState _state = AppState.Discovering;
    private string? _lastProblem;
    private int _discoveries;

    public AppChannel(AppTarget target, TimeSpan probeInterval, Func<AppTarget, IReadOnlyList<SubscriptionSpec>, CancellationToken, Task> onDiscovered, ILogger logger)
    {
        Target = target;
        _probeInterval = probeInterval <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(500) : probeInterval;
        _onDiscovered = onDiscovered;
        _logger = logger;
        Http = new HttpClient(new SocketsHttpHandler
        {
            // Short idle lifetime so a restarted app is not hit through a dead pooled connection for long.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            MaxConnectionsPerServer = 256,
        })
        {
            BaseAddress = target.BaseUri,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public AppTarget Target { get; }
    public HttpClient Http { get; }

    public AppState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public AppStatus Status()
    {
        lock (_gate)
        {
            return new AppStatus(Target.AppId, Target.BaseUri.ToString(), _state.ToString().ToUpperInvariant(), _discoveries, _lastProblem);
        }
    }

    public Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        Task ready;
        lock (_gate)
        {
            ready = _ready.Task;
        }

        return ready.IsCompleted ? Task.CompletedTask : ready.WaitAsync(cancellationToken);
    }

    /// <summary>Called by a deliverer whose request could not reach the app.</summary>
    public void ReportUnreachable(string problem)
    {
        lock (_gate)
        {
            if (_state != AppState.Ready)
            {
                return;
            }

            _state = AppState.Unreachable;
            _lastProblem = problem;
            _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _logger.LogWarning("app {AppId} unreachable ({Problem}); deliveries paused until it answers again", Target.AppId, problem);
        _wake.Set();
    }

    /// <summary>Discovers, then watches: probes whenever the app is not ready.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var lastLogged = DateTimeOffset.MinValue;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (State == AppState.Ready)
            {
                await _wake.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
                continue;
            }

            var (specs, problem) = await FetchSubscriptionsAsync(cancellationToken).ConfigureAwait(false);
            if (specs is null)
            {
                lock (_gate)
                {
                    _lastProblem = problem;
                }

                if (DateTimeOffset.UtcNow - lastLogged > TimeSpan.FromSeconds(10))
                {
                    _logger.LogInformation("app {AppId} at {BaseUrl} not reachable yet ({Problem}); retrying every {Interval}",
                        Target.AppId, Target.BaseUri, problem, Resiliency.GoDuration.Format(_probeInterval));
                    lastLogged = DateTimeOffset.UtcNow;
                }

                await Task.Delay(_probeInterval, cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                await _onDiscovered(Target, specs, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogError(ex, "app {AppId}: applying discovered subscriptions failed; retrying", Target.AppId);
                await Task.Delay(_probeInterval, cancellationToken).ConfigureAwait(false);
                continue;
            }

            lock (_gate)
            {
                _state = AppState.Ready;
                _lastProblem = null;
                _discoveries++;
                _ready.TrySetResult();
            }

            _logger.LogInformation("app {AppId} ready: {Count} programmatic subscription(s) discovered", Target.AppId, specs.Count);
        }
    }

    private async Task<(IReadOnlyList<SubscriptionSpec>? Specs, string? Problem)> FetchSubscriptionsAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await Http.GetAsync("dapr/subscribe", timeout.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return ([], null);
            }

            if (!response.IsSuccessStatusCode)
            {
                return (null, $"GET /dapr/subscribe returned {(int)response.StatusCode}");
            }

            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            return (ParseSubscriptions(body), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (null, ex.Message);
        }
    }

    private List<SubscriptionSpec> ParseSubscriptions(byte[] body)
    {
        var specs = new List<SubscriptionSpec>();
        if (body.Length == 0)
        {
            return specs;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException ex)
        {
            _logger.LogError("app {AppId}: /dapr/subscribe answered invalid JSON ({Error}); no programmatic subscriptions", Target.AppId, ex.Message);
            return specs;
        }

        foreach (var item in root as JsonArray ?? [])
        {
            var spec = SubscriptionSpecParser.Parse(item, out var error);
            if (spec is null)
            {
                _logger.LogError("app {AppId}: ignoring subscription {Json}: {Error}", Target.AppId, item?.ToJsonString(), error);
                continue;
            }

            specs.Add(spec);
        }

        return specs;
    }

    public void Dispose() => Http.Dispose();

    /// <summary>True when a delivery failure means the app was not there, as opposed to the app answering badly.</summary>
    public static bool IsUnreachable(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException:
                    return true;
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.ResponseEnded }:
                    return true;
                case IOException when e.InnerException is SocketException:
                    return true;
            }
        }

        return false;
    }
}

/// <summary>Diagnostics view of an app (GET /v1.0-dev/apps).</summary>
public sealed record AppStatus(string AppId, string BaseUrl, string State, int Discoveries, string? LastProblem);
