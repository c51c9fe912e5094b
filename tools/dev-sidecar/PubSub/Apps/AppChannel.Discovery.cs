using System.Net.Sockets;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.Json;
using LogDapr.DevSidecar.Cli;
using LogDapr.DevSidecar.PubSub.Subscriptions;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.PubSub.Apps;

/// <summary>
/// Subscription discovery, as daprd's initProgrammaticSubscriptions: <c>GET /dapr/subscribe</c> once the app
/// answers, retried until it does (daprd waits for the app port).
/// </summary>
public sealed partial class AppChannel
{
    private async Task DiscoverUntilDoneAsync(CancellationToken cancellationToken)
    {
        while (!await TryDiscoverAsync(cancellationToken).ConfigureAwait(false))
        {
            await Task.Delay(this.discoveryInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private DateTimeOffset lastLogged = DateTimeOffset.MinValue;

    private async Task<bool> TryDiscoverAsync(CancellationToken cancellationToken)
    {
        var (specs, problem) = await FetchSubscriptionsAsync(cancellationToken).ConfigureAwait(false);
        if (specs is null)
        {
            lock (gate)
            {
                lastProblem = problem;
            }

            if (DateTimeOffset.UtcNow - lastLogged > TimeSpan.FromSeconds(10))
            {
                this.logger.LogInformation("app {AppId} at {BaseUrl} not reachable yet ({Problem}); retrying", Target.AppId, Target.BaseUri, problem);
                lastLogged = DateTimeOffset.UtcNow;
            }

            return false;
        }

        try
        {
            await this.onDiscovered(Target, specs, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            this.logger.LogError(ex, "app {AppId}: applying discovered subscriptions failed; retrying", Target.AppId);
            return false;
        }

        lock (gate)
        {
            this.discovered = true;
            discoveries++;
        }

        this.logger.LogInformation("app {AppId}: {Count} programmatic subscription(s) discovered", Target.AppId, specs.Count);
        return true;
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
            this.logger.LogError("app {AppId}: /dapr/subscribe answered invalid JSON ({Error}); no programmatic subscriptions", Target.AppId, ex.Message);
            return specs;
        }

        foreach (var item in root as JsonArray ?? [])
        {
            var spec = SubscriptionSpecParser.Parse(item, out var error);
            if (spec is null)
            {
                this.logger.LogError("app {AppId}: ignoring subscription {Json}: {Error}", Target.AppId, item?.ToJsonString(), error);
                continue;
            }

            specs.Add(spec);
        }

        return specs;
    }
}
