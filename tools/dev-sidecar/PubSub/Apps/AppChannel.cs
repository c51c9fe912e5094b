using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogDapr.DevSidecar.Cli;
using LogDapr.DevSidecar.Go;
using LogDapr.DevSidecar.PubSub.Subscriptions;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.PubSub.Apps;

/// <summary>
/// The sidecar's connection to one app, as daprd's app channel: subscription discovery (once, like daprd's
/// initProgrammaticSubscriptions), deliveries, and — only with --enable-app-health-check — health probes that stop
/// the app's subscriptions while they fail (daprd v1.16 pkg/runtime/runtime.go appHealthChanged; pkg/apphealth).
/// Without health checks an unreachable app is just a failed delivery attempt, as with daprd.
/// Every call but the health probe carries $APP_API_TOKEN as dapr-api-token (pkg/channel/http/http_channel.go:
/// constructRequest sets it, HealthProbe does not).
/// </summary>
public sealed partial class AppChannel : IDisposable
{
    public const string ApiTokenHeader = "dapr-api-token";

    private readonly object gate = new();
    private readonly Func<AppTarget, IReadOnlyList<SubscriptionSpec>, CancellationToken, Task> onDiscovered;
    private readonly TimeSpan discoveryInterval;
    private readonly AppHealthCheck health;
    private readonly HttpClient probeHttp;
    private readonly ILogger logger;
    private TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private AppState state = AppState.Discovering;
    private bool discovered;
    private int failedProbes;
    private string? lastProblem;
    private int discoveries;

    public AppChannel(AppTarget target, TimeSpan discoveryInterval, AppHealthCheck health, string? appApiToken,
        Func<AppTarget, IReadOnlyList<SubscriptionSpec>, CancellationToken, Task> onDiscovered, ILogger logger)
    {
        Target = target;
        this.discoveryInterval = discoveryInterval <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(500) : discoveryInterval;
        this.health = health;
        this.onDiscovered = onDiscovered;
        this.logger = logger;
        // daprd's health state starts unhealthy until a probe succeeds (failure count = threshold).
        failedProbes = health.Threshold;
        Http = NewClient(target);
        if (appApiToken is not null)
        {
            Http.DefaultRequestHeaders.TryAddWithoutValidation(ApiTokenHeader, appApiToken);
        }

        probeHttp = NewClient(target);
    }

    public AppTarget Target { get; }

    /// <summary>For discovery and deliveries (carries the app token when one is configured).</summary>
    public HttpClient Http { get; }

    public bool HealthChecksEnabled => this.health.Enabled;

    public AppState State
    {
        get
        {
            lock (gate)
            {
                return this.state;
            }
        }
    }

    /// <summary>False while health checks are on and failing: daprd's channel then refuses calls (ErrAppUnhealthy).</summary>
    public bool IsHealthy => !this.health.Enabled || State == AppState.Ready;

    public AppStatus Status()
    {
        lock (gate)
        {
            return new AppStatus(Target.AppId, Target.BaseUri.ToString(), this.state.ToString().ToUpperInvariant(), discoveries, lastProblem);
        }
    }

    /// <summary>Completes while the app's subscriptions run (discovered, and healthy when health checks are on).</summary>
    public Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        Task ready;
        lock (gate)
        {
            ready = this.ready.Task;
        }

        return ready.IsCompleted ? Task.CompletedTask : ready.WaitAsync(cancellationToken);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!this.health.Enabled)
        {
            await DiscoverUntilDoneAsync(cancellationToken).ConfigureAwait(false);
            SetState(AppState.Ready, null);
            return;
        }

        this.logger.LogInformation("app {AppId}: health probes GET {Path} every {Interval} (timeout {Timeout}, threshold {Threshold})",
            Target.AppId, this.health.Path, GoDuration.Format(this.health.ProbeInterval), GoDuration.Format(this.health.ProbeTimeout), this.health.Threshold);
        using var ticker = new PeriodicTimer(this.health.ProbeInterval);
        do
        {
            var problem = await ProbeAsync(cancellationToken).ConfigureAwait(false);
            if (problem is null)
            {
                var wasUnhealthy = failedProbes >= this.health.Threshold;
                failedProbes = 0;
                if (wasUnhealthy || State != AppState.Ready)
                {
                    if (!this.discovered && !await TryDiscoverAsync(cancellationToken).ConfigureAwait(false))
                    {
                        continue;
                    }

                    this.logger.LogInformation("app {AppId} entered healthy status; subscriptions start", Target.AppId);
                    SetState(AppState.Ready, null);
                }
            }
            else
            {
                failedProbes = Math.Min(failedProbes + 1, this.health.Threshold);
                if (failedProbes >= this.health.Threshold && State == AppState.Ready)
                {
                    this.logger.LogWarning("app {AppId} unhealthy ({Problem}); subscriptions stop until a probe succeeds", Target.AppId, problem);
                    SetState(AppState.Unhealthy, problem);
                }
                else
                {
                    lock (gate)
                    {
                        lastProblem = problem;
                    }
                }
            }
        }
        while (await ticker.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }

    private void SetState(AppState state, string? problem)
    {
        lock (gate)
        {
            this.state = state;
            lastProblem = problem;
            if (state == AppState.Ready)
            {
                this.ready.TrySetResult();
            }
            else if (this.ready.Task.IsCompleted)
            {
                this.ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>daprd's HealthProbe: GET the path without the app token; any 2xx is healthy.</summary>
    private async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(this.health.ProbeTimeout);
            using var response = await probeHttp.GetAsync(this.health.Path.TrimStart('/'), timeout.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"Health check failed with status code: {(int)response.StatusCode}";
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return $"Probe error: {ex.Message}";
        }
    }

    private static HttpClient NewClient(AppTarget target)
    {
        var handler = new SocketsHttpHandler
        {
            // Short idle lifetime so a restarted app is not hit through a dead pooled connection for long.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            MaxConnectionsPerServer = 1024,
        };
        if (target.BaseUri.Scheme == Uri.UriSchemeHttps)
        {
            // As daprd with --app-protocol https (Cli/AppProtocol): TLS 1.2+, the app's certificate is not verified.
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
#pragma warning disable CA5359 // daprd's app channel trusts whatever certificate the app serves; this models it.
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
            };
        }

        return new HttpClient(handler)
        {
            BaseAddress = target.BaseUri,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public void Dispose()
    {
        Http.Dispose();
        probeHttp.Dispose();
    }

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
