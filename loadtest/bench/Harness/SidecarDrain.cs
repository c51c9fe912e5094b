using System.Text.Json;

namespace LogDapr.Bench.Harness;

/// <summary>
/// Drain detection through the development sidecar's /v1.0-dev/topics view: nothing published-but-unacknowledged on
/// any topic, twice in a row (so a dead letter published by the last delivery is seen too).
/// </summary>
public sealed class SidecarDrain(Uri sidecarHttp)
{
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = sidecarHttp, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        var quiet = 0;
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            last = await http.GetStringAsync("/v1.0-dev/topics", cancellationToken).ConfigureAwait(false);
            quiet = IsBusy(last) ? 0 : quiet + 1;
            if (quiet >= 2)
            {
                return;
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"the pipeline did not drain within {timeout}: {last}");
    }

    /// <summary>Messages the broker holds that the aggregator has not acknowledged yet, over all topics.</summary>
    public async Task<long> PendingAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = sidecarHttp, Timeout = TimeSpan.FromSeconds(5) };
        using var document = JsonDocument.Parse(await http.GetStringAsync("/v1.0-dev/topics", cancellationToken).ConfigureAwait(false));
        return document.RootElement.GetProperty("topics").EnumerateArray().Sum(t => t.GetProperty("pending").GetInt64());
    }

    private static bool IsBusy(string topics)
    {
        using var document = JsonDocument.Parse(topics);
        return document.RootElement.GetProperty("topics").EnumerateArray()
            .Any(t => t.GetProperty("pending").GetInt32() > 0 || t.GetProperty("publishing").GetInt32() > 0);
    }
}
