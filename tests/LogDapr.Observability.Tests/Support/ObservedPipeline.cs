using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LogDapr.LocalStack.Pipeline;
using LogDapr.LocalStack.Processes;
using LogDapr.TestSupport;

namespace LogDapr.Observability.Tests.Support;

/// <summary>
/// One real pipeline (Postgres, development sidecar, aggregator and ingest as processes) driven through every path
/// the metrics describe, once for all the tests of the collection: valid and invalid events, a payload that cannot
/// be read, a request over the rate limit (Redis unreachable, so the limiter runs degraded), an idempotent replay,
/// a poison message, every message redelivered once after success, and a Postgres outage during which one traced
/// request arrives. The final scrapes of both services are what the dashboard and alert tests check against.
/// </summary>
public sealed class ObservedPipeline : IAsyncLifetime
{
    public const string Tenant = "observed";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    // Each check scrapes or scans everything recorded so far: not worth repeating more often than this.
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    private LocalPipeline? pipeline;
    private HttpClient? http;

    /// <summary>Events that got a 202 (and so must be counted exactly once).</summary>
    public int AcceptedEvents { get; private set; }
    public int InvalidEvents { get; private set; }
    public int RateLimitedEvents { get; private set; }
    public int ReplayedEvents { get; private set; }
    /// <summary>Events in payloads ingest could read (received = accepted + rejected + rate limited).</summary>
    public int ReceivedEvents { get; private set; }

    /// <summary>Trace of the request sent while Postgres was down, and a text that only its payload contains.</summary>
    public string OutageTraceId { get; } = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
    public string PayloadMarker { get; } = "payload-marker-" + Guid.NewGuid().ToString("N");

    public PrometheusText IngestMetrics { get; private set; } = PrometheusText.Parse("");
    public PrometheusText AggregatorMetrics { get; private set; } = PrometheusText.Parse("");
    public JsonNode IngestReady { get; private set; } = new JsonObject();
    public HttpStatusCode IngestReadyStatus { get; private set; }
    public JsonNode AggregatorReady { get; private set; } = new JsonObject();
    public JsonNode IngestStats { get; private set; } = new JsonObject();
    public JsonNode AggregatorStats { get; private set; } = new JsonObject();
    public string AggregatorLog { get; private set; } = "";
    public string IngestLog { get; private set; } = "";

    public LocalPipeline Pipeline => pipeline ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        var run = ScratchDirectory.NewPath("logdapr-observability", "observed");
        pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions
        {
            RunDirectory = run,
            // Every message is delivered once more after it was counted: the duplicates the exactly-once write skips.
            SidecarArguments = ["--journal-fsync", "false", "--redeliver-successful", "1"],
            AppEnvironment = new Dictionary<string, string?>
            {
                ["Ingest__RateLimit__Enabled"] = "true",
                // Nothing listens there: the limiter falls back to per-replica buckets (half the burst) and says so.
                ["Ingest__RateLimit__RedisConnectionString"] = $"127.0.0.1:{FreePorts.Next().ToString(CultureInfo.InvariantCulture)}",
                ["Ingest__RateLimit__Burst"] = "2000",
            },
        }, CancellationToken.None);
        http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            await RunScenarioAsync();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"The observed scenario failed: {ex.Message}{Environment.NewLine}{pipeline.Diagnostics()}", ex);
        }
    }

    private async Task RunScenarioAsync()
    {
        // Mixed batches: the valid events are accepted, the invalid ones rejected with reason "invalid".
        for (var request = 0; request < 6; request++)
        {
            await PostAsync(Batch(valid: 40, invalid: 3, request), HttpStatusCode.Accepted);
            Account(valid: 40, invalid: 3);
        }

        await PostAsync(Batch(valid: 0, invalid: 4, 100), HttpStatusCode.BadRequest);
        Account(valid: 0, invalid: 4);
        await PostAsync("{\"events\": [", HttpStatusCode.BadRequest);

        // More events than the degraded limiter's burst (1000 of 2000) in one request: 429, whatever the timing.
        await PostAsync(Batch(valid: 1200, invalid: 0, 200), HttpStatusCode.TooManyRequests);
        RateLimitedEvents += 1200;
        ReceivedEvents += 1200;

        var once = Batch(valid: 5, invalid: 0, 300);
        await PostAsync(once, HttpStatusCode.Accepted, idempotencyKey: "observed-replay");
        Account(valid: 5, invalid: 0);
        await PostAsync(once, HttpStatusCode.Accepted, idempotencyKey: "observed-replay");
        ReplayedEvents += 5;

        // A producer other than ingest publishes something that is not LogEvent v1: dead-lettered.
        using (var poison = await http!.PostAsync(new Uri(Pipeline.SidecarHttpUrl, "/v1.0/publish/logdapr-pubsub/logs"),
            new StringContent($"{{\"events\":[{{\"tenant_id\":\"{Tenant}\"}}]}}", Encoding.UTF8, "application/json")))
        {
            Assert.True(poison.IsSuccessStatusCode, $"publishing the poison message answered {poison.StatusCode}");
        }

        await WaitUntilCountedAsync(withDeadLetter: true);

        // Postgres goes away; a request with a known trace arrives; the aggregator must say why it cannot write.
        await Pipeline.Postgres.StopAsync(CancellationToken.None);
        using (var traced = new HttpRequestMessage(HttpMethod.Post, new Uri(Pipeline.IngestUrl, "/v1/logs")))
        {
            traced.Headers.Add("traceparent", $"00-{OutageTraceId}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..16]}-01");
            traced.Content = new StringContent(
                $"{{\"tenant_id\":\"{Tenant}\",\"service\":\"outage\",\"severity\":\"error\",\"message\":\"{PayloadMarker}\"}}",
                Encoding.UTF8, "application/json");
            using var response = await http.SendAsync(traced);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Account(valid: 1, invalid: 0);
        }

        await Pipeline.Aggregator.WaitForLineAsync(
            line => line.Contains("Sink write failed", StringComparison.Ordinal) && line.Contains(OutageTraceId, StringComparison.Ordinal),
            Patience);
        await Pipeline.Postgres.StartAsync(CancellationToken.None);
        await WaitUntilCountedAsync(withDeadLetter: true);

        (IngestReadyStatus, IngestReady) = await GetJsonAsync(new Uri(Pipeline.IngestUrl, "/readyz"));
        await Eventually.TrueAsync(async () => (await GetJsonAsync(new Uri(Pipeline.AggregatorUrl, "/readyz"))).Status == HttpStatusCode.OK,
            () => "the aggregator to be ready again after Postgres came back", Patience, Poll);
        AggregatorReady = (await GetJsonAsync(new Uri(Pipeline.AggregatorUrl, "/readyz"))).Body;
        IngestStats = (await GetJsonAsync(new Uri(Pipeline.IngestUrl, "/v1/stats"))).Body;
        AggregatorStats = (await GetJsonAsync(new Uri(Pipeline.AggregatorUrl, "/v1/stats"))).Body;
        IngestMetrics = await ScrapeAsync(Pipeline.IngestUrl);
        AggregatorMetrics = await ScrapeAsync(Pipeline.AggregatorUrl);
        AggregatorLog = await ReadSharedAsync(Pipeline.Aggregator.LogPath);
        IngestLog = await ReadSharedAsync(Pipeline.Ingest.LogPath);
    }

    /// <summary>
    /// Waits until the aggregator has counted every accepted event and skipped each one's redelivery, which is also
    /// when no delivery is left in flight (the scrapes after this are final).
    /// </summary>
    private async Task WaitUntilCountedAsync(bool withDeadLetter)
    {
        await Eventually.TrueAsync(
            async () =>
            {
                AggregatorMetrics = await ScrapeAsync(Pipeline.AggregatorUrl);
                return AggregatorMetrics.Sum("logdapr_aggregator_events_processed_total") == AcceptedEvents
                    && AggregatorMetrics.Sum("logdapr_aggregator_events_duplicate_total") == AcceptedEvents
                    && (!withDeadLetter || AggregatorMetrics.Sum("logdapr_aggregator_dead_letters_stored_total") >= 1);
            },
            () => $"aggregator processed {AggregatorMetrics.Sum("logdapr_aggregator_events_processed_total")}, duplicates "
                + $"{AggregatorMetrics.Sum("logdapr_aggregator_events_duplicate_total")}, dead letters stored "
                + $"{AggregatorMetrics.Sum("logdapr_aggregator_dead_letters_stored_total")}; expected {AcceptedEvents} accepted events",
            Patience, Poll);
    }

    public async Task<PrometheusText> ScrapeAsync(Uri service)
    {
        using var response = await http!.GetAsync(new Uri(service, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    private void Account(int valid, int invalid)
    {
        AcceptedEvents += valid;
        InvalidEvents += invalid;
        ReceivedEvents += valid + invalid;
    }

    private async Task PostAsync(string body, HttpStatusCode expected, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Pipeline.IngestUrl, "/v1/logs"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await http!.SendAsync(request);
        Assert.True(response.StatusCode == expected, $"POST /v1/logs answered {response.StatusCode}, expected {expected}: {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> GetJsonAsync(Uri url)
    {
        using var response = await http!.GetAsync(url);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? new JsonObject());
    }

    private static string Batch(int valid, int invalid, int seed)
    {
        var events = new List<string>();
        for (var i = 0; i < valid; i++)
        {
            events.Add($"{{\"tenant_id\":\"{Tenant}\",\"service\":\"svc-{(seed + i) % 3}\",\"severity\":\"{((seed + i) % 5 == 0 ? "error" : "info")}\",\"message\":\"event {seed}-{i}\"}}");
        }

        for (var i = 0; i < invalid; i++)
        {
            events.Insert(Math.Min(events.Count, i * 7), $"{{\"tenant_id\":\"{Tenant}\",\"service\":\"svc\",\"message\":\"no severity {seed}-{i}\"}}");
        }

        return "[" + string.Join(',', events) + "]";
    }

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    public async Task DisposeAsync()
    {
        http?.Dispose();
        if (pipeline is not null)
        {
            await pipeline.DisposeAsync();
            ScratchDirectory.Remove(pipeline.RunDirectory);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ObservedPipelineCollection : ICollectionFixture<ObservedPipeline>
{
    public const string Name = "observed pipeline";
}
