using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LogDapr.Configuration.Pipeline;
using LogDapr.EndToEnd.Tests.Support;
using Npgsql;

namespace LogDapr.EndToEnd.Tests;

/// <summary>
/// Enrichment drills through the processor as real processes: metadata written on the counter's admin API, then the
/// Postgres metadata source made to stop answering while the pipeline runs. Logs keep flowing and are counted once;
/// events whose metadata no tier holds are marked <c>enrichment: partial</c>, those a tier answers <c>complete</c>; the
/// Postgres breaker opens and, after the source answers again, closes, and new events are complete again. The second
/// drill takes the state store away too (the development sidecar's outage switch, failing as daprd does).
/// </summary>
public class EnrichmentDrillTests
{
    private const string EnrichingRules = """
        enrichment:
          services: true
        """;

    /// <summary>
    /// The thresholds the drill relies on (README "Enrichment"): the breaker opens after at least 5 calls in 30 s of
    /// which half failed (defaults); a call fails after 1 s here (default 2 s) and the breaker probes again after 2 s
    /// here (default 30 s), so the drill does not wait half a minute for recovery.
    /// </summary>
    private static readonly Dictionary<string, string?> DrillSettings = new()
    {
        ["Enrichment__PostgresTimeout"] = "00:00:01",
        ["Enrichment__BreakerBreakDuration"] = "00:00:02",
    };

    [Fact]
    public async Task With_the_metadata_source_hung_logs_flow_counted_once_marked_partial_and_enrichment_recovers_when_it_answers()
    {
        await using var pipeline = await TestPipeline.StartAsync("enrichment-drill-postgres", appEnvironment: DrillSettings, processingRules: EnrichingRules);
        using var admin = new HttpClient { BaseAddress = pipeline.Pipeline.AggregatorUrl, Timeout = TimeSpan.FromSeconds(30) };
        using var processor = new HttpClient { BaseAddress = pipeline.Pipeline.ProcessorUrl, Timeout = TimeSpan.FromSeconds(30) };
        await PutMetadataAsync(admin, "checkout", "payments");
        await PutMetadataAsync(admin, "billing", "finance");
        var sent = 0;

        // Healthy: a service with metadata is enriched, one without is complete too (nothing is missing).
        sent += await SendAsync(pipeline, "before", ["checkout", "no-metadata-0"]);
        await DrainAsync(pipeline);

        await using var connection = new NpgsqlConnection(pipeline.Pipeline.Postgres.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal("complete|payments", await MarkAsync(connection, "before-checkout"));
        Assert.Equal("complete|", await MarkAsync(connection, "before-no-metadata-0"));

        // The metadata source stops answering (see MetadataLock).
        await using (await MetadataLock.TakeAsync(pipeline))
        {
            // Each request names a service nobody looked up yet: no tier but Postgres could answer it. "billing" was
            // never looked up either, but the API put it into the state store, which answers it.
            var outage = 0;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while (await BreakerAsync(processor, "postgres") != BreakerOpen || outage < 6)
            {
                Assert.True(DateTime.UtcNow < deadline, $"the Postgres breaker never opened after {outage} requests:{Environment.NewLine}{pipeline.Pipeline.Processor!.Tail()}");
                sent += await SendAsync(pipeline, $"outage-{outage}", ["billing", $"unknown-{outage}"]);
                await pipeline.Sidecar.WaitUntilAppDrainedAsync(PipelineDefaults.ProcessorAppId, TimeSpan.FromSeconds(90), pipeline.Pipeline.Diagnostics);
                outage++;
            }

            // Nothing blocks: the processor stays ready, every event went on to the counter and the store.
            using (var ready = await processor.GetAsync("/readyz"))
            {
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            }

            await DrainAsync(pipeline);
            for (var i = 0; i < outage; i++)
            {
                Assert.Equal("complete|finance", await MarkAsync(connection, $"outage-{i}-billing"));
                Assert.Equal("partial|", await MarkAsync(connection, $"outage-{i}-unknown-{i}"));
            }
        }

        // The source answers again: after the break duration a lookup probes it, the breaker closes, and new events
        // are complete again.
        var recovery = 0;
        var closedBy = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (await BreakerAsync(processor, "postgres") != BreakerClosed)
        {
            Assert.True(DateTime.UtcNow < closedBy, $"the Postgres breaker never closed:{Environment.NewLine}{pipeline.Pipeline.Processor!.Tail()}");
            await Task.Delay(500);
            sent += await SendAsync(pipeline, $"recovery-{recovery}", [$"late-{recovery}"]);
            await pipeline.Sidecar.WaitUntilAppDrainedAsync(PipelineDefaults.ProcessorAppId, TimeSpan.FromSeconds(90), pipeline.Pipeline.Diagnostics);
            recovery++;
        }

        await PutMetadataAsync(admin, "fresh", "platform");
        await DeleteStateEntryAsync(pipeline, "fresh");
        sent += await SendAsync(pipeline, "after", ["fresh", "no-metadata-1"]);
        await DrainAsync(pipeline);
        // "fresh" is in no cache and not in the state store: only Postgres could answer it.
        Assert.Equal("complete|platform", await MarkAsync(connection, "after-fresh"));
        Assert.Equal("complete|", await MarkAsync(connection, "after-no-metadata-1"));

        // Every event counted and stored exactly once, outage or not.
        await pipeline.AssertCountsSumAsync(sent);
        Assert.Equal(sent, await ScalarAsync(connection, "SELECT count(DISTINCT event_id) FROM logdapr.log_events"));
        Assert.Equal(sent, await ScalarAsync(connection, "SELECT count(*) FROM logdapr.log_events"));

        var metrics = await processor.GetStringAsync("/metrics");
        Assert.True(Metric(metrics, "logdapr_processing_enrichment_total", "outcome=\"partial\"") >= 6, metrics);
        Assert.True(Metric(metrics, "logdapr_enrichment_keys_total", "result=\"unavailable\"") >= 6, metrics);
        Assert.True(Metric(metrics, "logdapr_enrichment_lookups_total", "tier=\"postgres\"", "outcome=\"error\"") >= 5, metrics);
    }

    [Fact]
    public async Task With_the_state_store_down_too_logs_flow_counted_once_marked_partial_and_enrichment_recovers_when_both_answer()
    {
        // Memory keeps found entries 5 min here (default 60 s), so "checkout" is still cached however slow the drill runs.
        var settings = new Dictionary<string, string?>(DrillSettings) { ["Enrichment__CacheTtl"] = "00:05:00" };
        await using var pipeline = await TestPipeline.StartAsync("enrichment-drill-both", appEnvironment: settings, processingRules: EnrichingRules);
        using var admin = new HttpClient { BaseAddress = pipeline.Pipeline.AggregatorUrl, Timeout = TimeSpan.FromSeconds(30) };
        using var processor = new HttpClient { BaseAddress = pipeline.Pipeline.ProcessorUrl, Timeout = TimeSpan.FromSeconds(30) };
        await PutMetadataAsync(admin, "checkout", "payments");
        await PutMetadataAsync(admin, "billing", "finance");
        await PutMetadataAsync(admin, "ledger", "treasury");
        var sent = await SendAsync(pipeline, "before", ["checkout"]);
        await DrainAsync(pipeline);
        await using var connection = new NpgsqlConnection(pipeline.Pipeline.Postgres.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal("complete|payments", await MarkAsync(connection, "before-checkout"));

        // The state store's backend goes away (the sidecar fails its operations as daprd does when Redis refuses
        // connections), and the metadata source hangs: only the processor's memory answers.
        await StateStoreOutageAsync(pipeline, unreachable: true);
        var outage = 0;
        await using (await MetadataLock.TakeAsync(pipeline))
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            // Both breakers open: the state store's too, although daprd answers its bulk gets with success (an error per item).
            while (await BreakerAsync(processor, "postgres") != BreakerOpen || await BreakerAsync(processor, "state_store") != BreakerOpen || outage < 6)
            {
                Assert.True(DateTime.UtcNow < deadline, $"the breakers never both opened after {outage} requests:{Environment.NewLine}{pipeline.Pipeline.Processor!.Tail()}");
                sent += await SendAsync(pipeline, $"outage-{outage}", ["checkout", "billing", $"unknown-{outage}"]);
                await pipeline.Sidecar.WaitUntilAppDrainedAsync(PipelineDefaults.ProcessorAppId, TimeSpan.FromSeconds(90), pipeline.Pipeline.Diagnostics);
                outage++;
            }

            using (var ready = await processor.GetAsync("/readyz"))
            {
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            }

            await DrainAsync(pipeline);
        }

        for (var i = 0; i < outage; i++)
        {
            Assert.Equal("complete|payments", await MarkAsync(connection, $"outage-{i}-checkout"));
            // Only the state store and Postgres hold "billing": both down, so partial.
            Assert.Equal("partial|", await MarkAsync(connection, $"outage-{i}-billing"));
            Assert.Equal("partial|", await MarkAsync(connection, $"outage-{i}-unknown-{i}"));
        }

        // Both answer again: each breaker closes on its next probe, the state store serves its entries.
        await StateStoreOutageAsync(pipeline, unreachable: false);
        var recovery = 0;
        var closedBy = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (await BreakerAsync(processor, "postgres") != BreakerClosed || await BreakerAsync(processor, "state_store") != BreakerClosed)
        {
            Assert.True(DateTime.UtcNow < closedBy, $"the breakers never both closed:{Environment.NewLine}{pipeline.Pipeline.Processor!.Tail()}");
            await Task.Delay(500);
            sent += await SendAsync(pipeline, $"recovery-{recovery}", [$"late-{recovery}"]);
            await pipeline.Sidecar.WaitUntilAppDrainedAsync(PipelineDefaults.ProcessorAppId, TimeSpan.FromSeconds(90), pipeline.Pipeline.Diagnostics);
            recovery++;
        }

        sent += await SendAsync(pipeline, "after", ["billing", "ledger", "no-metadata"]);
        await DrainAsync(pipeline);
        Assert.Equal("complete|finance", await MarkAsync(connection, "after-billing"));
        Assert.Equal("complete|treasury", await MarkAsync(connection, "after-ledger"));
        Assert.Equal("complete|", await MarkAsync(connection, "after-no-metadata"));

        await pipeline.AssertCountsSumAsync(sent);
        Assert.Equal(sent, await ScalarAsync(connection, "SELECT count(DISTINCT event_id) FROM logdapr.log_events"));
        Assert.Equal(sent, await ScalarAsync(connection, "SELECT count(*) FROM logdapr.log_events"));
        var metrics = await processor.GetStringAsync("/metrics");
        Assert.True(Metric(metrics, "logdapr_processing_enrichment_total", "outcome=\"partial\"") >= 12, metrics);
    }

    private static async Task StateStoreOutageAsync(TestPipeline pipeline, bool unreachable)
    {
        using var sidecar = new HttpClient { BaseAddress = pipeline.Pipeline.SidecarHttpUrl };
        const string OutagePath = "/v1.0-dev/state/logdapr-enrichment/outage";
        using var response = unreachable ? await sidecar.PutAsync(OutagePath, null) : await sidecar.DeleteAsync(OutagePath);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"the sidecar's outage switch answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private const double BreakerClosed = 0;
    private const double BreakerOpen = 2;

    private static async Task PutMetadataAsync(HttpClient admin, string service, string team)
    {
        var body = new JsonObject { ["attributes"] = new JsonObject { ["team"] = team } };
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await admin.PutAsync($"/v1/metadata/service/{service}", content);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"PUT metadata answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Removes a key's entry from the enrichment state store (as its TTL would), so only Postgres holds it.</summary>
    private static async Task DeleteStateEntryAsync(TestPipeline pipeline, string service)
    {
        using var dapr = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{pipeline.Pipeline.DaprPorts(PipelineDefaults.AggregatorAppId).Http.ToString(CultureInfo.InvariantCulture)}") };
        using var response = await dapr.DeleteAsync($"/v1.0/state/logdapr-enrichment/{Uri.EscapeDataString($"enrichment|service|{service}")}");
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"state delete answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>One request: an event per service, ids <c>{prefix}-{service}</c>. Returns the number of events.</summary>
    private static async Task<int> SendAsync(TestPipeline pipeline, string prefix, IReadOnlyList<string> services)
    {
        var events = new JsonArray();
        foreach (var service in services)
        {
            events.Add(new JsonObject { ["id"] = $"{prefix}-{service}", ["tenant_id"] = "drill", ["service"] = service, ["severity"] = "info", ["message"] = "m" });
        }

        await pipeline.PostLogsRetryingAsync(new JsonObject { ["events"] = events }.ToJsonString());
        return services.Count;
    }

    private static async Task DrainAsync(TestPipeline pipeline)
    {
        await pipeline.Sidecar.WaitUntilAppDrainedAsync(PipelineDefaults.ProcessorAppId, TimeSpan.FromSeconds(90), pipeline.Pipeline.Diagnostics);
        await pipeline.WaitUntilDrainedAsync();
        await pipeline.Sidecar.WaitUntilAppDrainedAsync(PipelineDefaults.StoreAppId, TimeSpan.FromSeconds(90), pipeline.Pipeline.Diagnostics);
    }

    /// <summary>The stored event's <c>enrichment</c> marker and <c>service.team</c>, as "marker|team".</summary>
    private static async Task<string> MarkAsync(NpgsqlConnection connection, string eventId)
    {
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(attributes->>'enrichment', '-') || '|' || coalesce(attributes->>'service.team', '') FROM logdapr.log_events WHERE event_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = eventId });
        var mark = await command.ExecuteScalarAsync();
        Assert.True(mark is string, $"event {eventId} was not stored");
        return (string)mark!;
    }

    private static async Task<double> BreakerAsync(HttpClient processor, string source)
        => Metric(await processor.GetStringAsync("/metrics"), "logdapr_enrichment_breaker_state", $"source=\"{source}\"");

    /// <summary>The value of the first sample of <paramref name="name"/> carrying every one of <paramref name="labels"/> (Prometheus text).</summary>
    private static double Metric(string text, string name, params string[] labels)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(l => line.Contains(l, StringComparison.Ordinal)))
            {
                var value = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
                return double.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return double.NaN;
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A session holding an exclusive lock on the metadata table: every lookup query hangs until its timeout (the
    /// harsher failure; a refused connection fails at once). Counting, the store and the processor's own health use
    /// other tables and go on. Disposing rolls back, so the source answers again.
    /// </summary>
    private sealed class MetadataLock : IAsyncDisposable
    {
        private readonly NpgsqlConnection connection;
        private readonly NpgsqlTransaction transaction;

        private MetadataLock(NpgsqlConnection connection, NpgsqlTransaction transaction)
        {
            this.connection = connection;
            this.transaction = transaction;
        }

        public static async Task<MetadataLock> TakeAsync(TestPipeline pipeline)
        {
            var connection = new NpgsqlConnection(pipeline.Pipeline.Postgres.ConnectionString);
            await connection.OpenAsync();
            var transaction = await connection.BeginTransactionAsync();
            await using (var command = new NpgsqlCommand("LOCK TABLE logdapr.enrichment_metadata IN ACCESS EXCLUSIVE MODE", connection, transaction))
            {
                await command.ExecuteNonQueryAsync();
            }

            return new MetadataLock(connection, transaction);
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
