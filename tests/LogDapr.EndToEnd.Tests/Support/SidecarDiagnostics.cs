using System.Text.Json.Nodes;

namespace LogDapr.EndToEnd.Tests.Support;

/// <summary>Reads the development sidecar's /v1.0-dev/topics view: what is still pending, redelivered, dead-lettered.</summary>
public sealed class SidecarDiagnostics(Uri sidecarHttp)
{
    private readonly HttpClient http = new() { BaseAddress = sidecarHttp, Timeout = TimeSpan.FromSeconds(5) };

    public async Task<JsonObject> TopicsAsync(CancellationToken cancellationToken = default)
        => JsonNode.Parse(await http.GetStringAsync("/v1.0-dev/topics", cancellationToken))!.AsObject();

    public async Task<JsonObject?> TopicAsync(string topic, CancellationToken cancellationToken = default)
        => (await TopicsAsync(cancellationToken))["topics"]!.AsArray().OfType<JsonObject>()
            .FirstOrDefault(t => t["topic"]!.GetValue<string>() == topic);

    /// <summary>
    /// A counter summed over the subscriptions of a topic (e.g. "retried", "redelivered", "inFlight"), or over one app's
    /// subscriptions when <paramref name="appId"/> is given (the aggregator and the store each have their own).
    /// </summary>
    public async Task<long> SubscriptionCounterAsync(string topic, string counter, CancellationToken cancellationToken = default, string? appId = null)
    {
        var t = await TopicAsync(topic, cancellationToken);
        return t is null ? 0 : t["subscriptions"]!.AsArray().Where(s => appId is null || (string?)s!["appId"] == appId).Sum(s => s![counter]!.GetValue<long>());
    }

    /// <summary>Waits until nothing is being published and one app's subscriptions hold no pending message.</summary>
    public async Task WaitUntilAppDrainedAsync(string appId, TimeSpan timeout, Func<string> diagnostics, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonObject? last = null;
        var quietRounds = 0;
        while (DateTime.UtcNow < deadline)
        {
            last = await TopicsAsync(cancellationToken);
            var busy = last["topics"]!.AsArray().Any(t => t!["publishing"]!.GetValue<int>() > 0
                || t["subscriptions"]!.AsArray().Any(s => (string?)s!["appId"] == appId && s["pending"]!.GetValue<int>() > 0));
            quietRounds = busy ? 0 : quietRounds + 1;
            if (quietRounds >= 2)
            {
                return;
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"{appId} did not drain within {timeout}. Sidecar topics: {last}{Environment.NewLine}{diagnostics()}");
    }

    /// <summary>Waits until no topic has a message that is published but not yet acknowledged.</summary>
    public async Task WaitUntilDrainedAsync(TimeSpan timeout, Func<string> diagnostics, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonObject? last = null;
        var quietRounds = 0;
        while (DateTime.UtcNow < deadline)
        {
            last = await TopicsAsync(cancellationToken);
            var busy = last["topics"]!.AsArray().Any(t => t!["pending"]!.GetValue<int>() > 0 || t["publishing"]!.GetValue<int>() > 0);
            // Two quiet reads in a row, so a dead letter published by the last delivery is seen too.
            quietRounds = busy ? 0 : quietRounds + 1;
            if (quietRounds >= 2)
            {
                return;
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The pipeline did not drain within {timeout}. Sidecar topics: {last}{Environment.NewLine}{diagnostics()}");
    }
}
