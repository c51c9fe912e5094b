using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using LogDapr.Configuration.Pipeline;
using LogDapr.EndToEnd.Tests.Support;
using Npgsql;

namespace LogDapr.EndToEnd.Tests;

/// <summary>
/// Central processing as real processes: the processor between the raw topic and the counter and the store, for
/// ingest and for apps publishing straight onto the topic alike, exactly once through redeliveries, and rules changed
/// while the pipeline runs.
/// </summary>
public class ProcessingTests
{
    private const string RedactingRules = """
        redaction:
          presets: [email, ipv4]
          patterns: [{ name: ticket, regex: 'TCK-[0-9]{6}' }]
          mode: mask
        transforms:
          - set: { key: processed, value: "yes" }
        """;

    [Fact]
    public async Task Redelivered_with_rules_every_event_is_counted_and_stored_once_and_no_redacted_value_survives_anywhere()
    {
        await using var pipeline = await TestPipeline.StartAsync("processing-pii",
            sidecarArguments: ["--redeliver-successful", "2", "--delivery-delay", "20ms"], processingRules: RedactingRules);
        const int Requests = 20, PerRequest = 10;
        for (var r = 0; r < Requests; r++)
        {
            var events = new JsonArray();
            for (var i = 0; i < PerRequest; i++)
            {
                events.Add(new JsonObject
                {
                    ["id"] = $"pii-{r}-{i}",
                    ["tenant_id"] = "pii",
                    ["service"] = "checkout",
                    ["severity"] = "info",
                    ["message"] = $"user alice.{r}.{i}@example.com from 10.1.{r}.{i} about TCK-{r:000}{i:000}",
                    ["attributes"] = new JsonObject { ["client_ip"] = $"192.168.0.{i}", ["note"] = $"mail bob{r}@example.org" },
                });
            }

            await pipeline.PostLogsRetryingAsync(new JsonObject { ["events"] = events }.ToJsonString());
        }

        // An app publishing straight onto the raw topic goes through the same rules.
        var direct = await pipeline.Client.PublishViaDaprAsync(PipelineDefaults.PubSubComponent, PipelineDefaults.LogsTopic, """
            {"specversion":"1.0","id":"direct-pii-1","source":"test","type":"test","datacontenttype":"application/json",
             "data":{"events":[{"id":"direct-pii-1","tenant_id":"pii","service":"cron","severity":"warn","message":"mail carol@example.net now"}]}}
            """, "application/cloudevents+json");
        Assert.True(direct.Status is HttpStatusCode.NoContent or HttpStatusCode.OK, $"publish answered {direct.Status}: {direct.Text}");

        // Poison whose reason quotes the value: kept as a dead letter, but redacted.
        var poison = await pipeline.Client.PublishViaDaprAsync(PipelineDefaults.PubSubComponent, PipelineDefaults.LogsTopic, """
            {"specversion":"1.0","id":"poison-pii-1","source":"test","type":"test","datacontenttype":"application/json",
             "data":{"events":[{"tenant_id":"pii","service":"cron","severity":"dave@example.com","message":"x"}]}}
            """, "application/cloudevents+json");
        Assert.True(poison.Status is HttpStatusCode.NoContent or HttpStatusCode.OK, $"publish answered {poison.Status}: {poison.Text}");

        const int Expected = (Requests * PerRequest) + 1;
        await pipeline.WaitUntilDrainedAsync();
        await pipeline.Sidecar.WaitUntilAppDrainedAsync(PipelineDefaults.StoreAppId, TimeSpan.FromSeconds(90), pipeline.Pipeline.Diagnostics);
        Assert.True(await pipeline.Sidecar.SubscriptionCounterAsync("logs", "redelivered", appId: PipelineDefaults.ProcessorAppId) > 0,
            "the processor never saw a redelivery: the test proves nothing about duplicates");

        await using var connection = new NpgsqlConnection(pipeline.Pipeline.Postgres.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(Expected, await ScalarAsync(connection, "SELECT coalesce(sum(event_count), 0) FROM logdapr.log_counts WHERE tenant_id = 'pii'"));
        Assert.Equal(Expected, await ScalarAsync(connection, "SELECT count(*) FROM logdapr.log_events WHERE tenant_id = 'pii'"));
        Assert.Equal(Expected, await ScalarAsync(connection, "SELECT count(*) FROM logdapr.log_events WHERE tenant_id = 'pii' AND attributes->>'processed' = 'yes'"));
        Assert.Equal(0, await ScalarAsync(connection, """
            SELECT count(*) FROM logdapr.log_events
            WHERE tenant_id = 'pii' AND (message || attributes::text) ~ '(@example\.|10\.1\.|192\.168\.|TCK-[0-9])'
            """));
        Assert.Equal(Requests * PerRequest, await ScalarAsync(connection,
            "SELECT count(*) FROM logdapr.log_events WHERE tenant_id = 'pii' AND message LIKE '%[REDACTED:email]%[REDACTED:ipv4]%[REDACTED:custom:ticket]%'"));

        Assert.Equal(1, await ScalarAsync(connection, "SELECT count(*) FROM logdapr.dead_letters WHERE payload LIKE '%[REDACTED:email]%'"));
        Assert.Equal(0, await ScalarAsync(connection, "SELECT count(*) FROM logdapr.dead_letters WHERE payload LIKE '%@example.%' OR reason LIKE '%@example.%'"));

        foreach (var log in new[] { pipeline.Pipeline.Processor!.LogPath, pipeline.Pipeline.Aggregator.LogPath, pipeline.Pipeline.Store.LogPath, pipeline.Pipeline.Ingest.LogPath })
        {
            var text = await ReadSharedAsync(log);
            Assert.DoesNotContain("@example.", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Rules_changed_while_running_apply_from_the_next_delivery_an_invalid_change_is_refused_and_nothing_is_lost()
    {
        await using var pipeline = await TestPipeline.StartAsync("processing-reload", processingRules: RulesSetting("one"));
        var rulesFile = Path.Combine(Path.GetDirectoryName(pipeline.Pipeline.Ingest.LogPath)!, "..", "processing.yaml");

        await SendAsync(pipeline, "one", 50);
        await pipeline.WaitUntilDrainedAsync();

        await File.WriteAllTextAsync(rulesFile, RulesSetting("two"));
        await WaitForLogAsync(pipeline, "deliveries from now on use the new rules");
        await SendAsync(pipeline, "two", 50);
        await pipeline.WaitUntilDrainedAsync();

        await File.WriteAllTextAsync(rulesFile, "transforms:\n  - sample: { rate: 3 }\n");
        await WaitForLogAsync(pipeline, "were NOT applied");
        await SendAsync(pipeline, "three", 50);
        await pipeline.WaitUntilDrainedAsync();
        await pipeline.Sidecar.WaitUntilAppDrainedAsync(PipelineDefaults.StoreAppId, TimeSpan.FromSeconds(90), pipeline.Pipeline.Diagnostics);

        await using var connection = new NpgsqlConnection(pipeline.Pipeline.Postgres.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(150, await ScalarAsync(connection, "SELECT coalesce(sum(event_count), 0) FROM logdapr.log_counts WHERE tenant_id = 'reload'"));
        Assert.Equal(50, await ScalarAsync(connection, "SELECT count(*) FROM logdapr.log_events WHERE service = 'one' AND attributes->>'rules' = 'one'"));
        Assert.Equal(50, await ScalarAsync(connection, "SELECT count(*) FROM logdapr.log_events WHERE service = 'two' AND attributes->>'rules' = 'two'"));
        // The refused document changed nothing: the last valid rules stay in use.
        Assert.Equal(50, await ScalarAsync(connection, "SELECT count(*) FROM logdapr.log_events WHERE service = 'three' AND attributes->>'rules' = 'two'"));
    }

    [Fact]
    public async Task Events_named_only_by_the_pipelines_aliases_are_accepted_by_ingest_and_counted_under_the_mapped_service_and_severity()
    {
        const string MappingRules = """
            mapping:
              fields:
                severity: [loglevel]
                service: [component]
              separator: "_"
            """;
        await using var pipeline = await TestPipeline.StartAsync("processing-mapping", processingRules: MappingRules);
        var events = new JsonArray();
        for (var i = 0; i < 20; i++)
        {
            events.Add(new JsonObject
            {
                ["id"] = $"mapped-{i}",
                ["tenant_id"] = "mapped",
                ["loglevel"] = "ERROR",
                ["component"] = "billing",
                ["message"] = "charge failed",
                ["http"] = new JsonObject { ["status"] = 502 },
            });
        }

        // Ingest reads with the pipeline's aliases: before, these got 400 ("service is required", "severity is required").
        await pipeline.PostLogsRetryingAsync(events.ToJsonString());

        // An app publishing straight onto the topic bypasses ingest; the processor maps its events the same way.
        var direct = await pipeline.Client.PublishViaDaprAsync(PipelineDefaults.PubSubComponent, PipelineDefaults.LogsTopic, """
            {"specversion":"1.0","id":"direct-mapped-1","source":"test","type":"test","datacontenttype":"application/json",
             "data":{"events":[{"id":"direct-mapped-1","tenant_id":"mapped","loglevel":"warn","component":"billing","message":"m","http":{"status":404}}]}}
            """, "application/cloudevents+json");
        Assert.True(direct.Status is HttpStatusCode.NoContent or HttpStatusCode.OK, $"publish answered {direct.Status}: {direct.Text}");

        await pipeline.WaitUntilDrainedAsync();
        await pipeline.Sidecar.WaitUntilAppDrainedAsync(PipelineDefaults.StoreAppId, TimeSpan.FromSeconds(90), pipeline.Pipeline.Diagnostics);

        await using var connection = new NpgsqlConnection(pipeline.Pipeline.Postgres.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(20, await ScalarAsync(connection,
            "SELECT coalesce(sum(event_count), 0) FROM logdapr.log_counts WHERE tenant_id = 'mapped' AND service = 'billing' AND severity = 'error'"));
        Assert.Equal(1, await ScalarAsync(connection,
            "SELECT coalesce(sum(event_count), 0) FROM logdapr.log_counts WHERE tenant_id = 'mapped' AND service = 'billing' AND severity = 'warn'"));
        Assert.Equal(21, await ScalarAsync(connection, "SELECT coalesce(sum(event_count), 0) FROM logdapr.log_counts WHERE tenant_id = 'mapped'"));
        // Nested objects are flattened with the pipeline's separator at ingest as in the processor; no alias survives as an attribute.
        Assert.Equal(21, await ScalarAsync(connection,
            "SELECT count(*) FROM logdapr.log_events WHERE tenant_id = 'mapped' AND attributes ? 'http_status' AND NOT attributes ?| array['http.status', 'loglevel', 'component']"));
    }

    private static string RulesSetting(string value) => $$"""
        transforms:
          - set: { key: rules, value: "{{value}}" }
        """;

    private static async Task SendAsync(TestPipeline pipeline, string service, int count)
    {
        var events = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            events.Add(new JsonObject { ["id"] = $"{service}-{i}", ["tenant_id"] = "reload", ["service"] = service, ["severity"] = "info", ["message"] = "m" });
        }

        await pipeline.PostLogsRetryingAsync(events.ToJsonString());
    }

    private static async Task WaitForLogAsync(TestPipeline pipeline, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(await ReadSharedAsync(pipeline.Pipeline.Processor!.LogPath)).Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the processor never logged '{text}':{Environment.NewLine}{pipeline.Pipeline.Processor.Tail()}");
            await Task.Delay(200);
        }
    }

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
