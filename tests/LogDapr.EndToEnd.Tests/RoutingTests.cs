using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogDapr.Configuration.Pipeline;
using LogDapr.EndToEnd.Tests.Support;
using LogDapr.LocalStack.Processes;
using Npgsql;

namespace LogDapr.EndToEnd.Tests;

/// <summary>
/// Routes as real processes: the router on its own consumer group sends matching events through a bindings.http
/// component to a webhook receiver in the test, at least once under stable idempotency keys; a failing receiver makes
/// the route's copies dead letters while counting stays exact.
/// </summary>
public class RoutingTests
{
    [Fact]
    public async Task Through_redeliveries_a_webhook_gets_every_matching_event_and_every_duplicate_carries_the_same_key()
    {
        await using var receiver = new WebhookReceiver(_ => HttpStatusCode.OK);
        await using var pipeline = await TestPipeline.StartAsync("routing-webhook",
            sidecarArguments: ["--redeliver-successful", "2", "--delivery-delay", "20ms"],
            routes: """
                routes:
                  - name: acme-errors
                    when: 'tenant_id == "acme" and severity == "error"'
                    binding: acme-webhook
                    metadata: { path: /acme }
                  - name: beta-all
                    when: 'tenant_id == "beta"'
                    binding: beta-webhook
                """,
            routeComponents: Components(("acme-webhook", receiver.Url), ("beta-webhook", receiver.Url + "beta")));

        const int Requests = 12;
        var expectedAcme = new HashSet<string>(StringComparer.Ordinal);
        var expectedBeta = new HashSet<string>(StringComparer.Ordinal);
        for (var r = 0; r < Requests; r++)
        {
            var events = new JsonArray();
            foreach (var (tenant, severity) in new[] { ("acme", "error"), ("acme", "info"), ("beta", "debug"), ("gamma", "error") })
            {
                var id = $"{tenant}-{severity}-{r}";
                events.Add(new JsonObject { ["id"] = id, ["tenant_id"] = tenant, ["service"] = "api", ["severity"] = severity, ["message"] = "m" });
                (tenant == "acme" && severity == "error" ? expectedAcme : tenant == "beta" ? expectedBeta : null)?.Add(id);
            }

            await pipeline.PostLogsRetryingAsync(new JsonObject { ["events"] = events }.ToJsonString());
        }

        await pipeline.WaitUntilDrainedAsync();
        await pipeline.Sidecar.WaitUntilAppDrainedAsync(PipelineDefaults.RouterAppId, TimeSpan.FromSeconds(90), pipeline.Pipeline.Diagnostics);
        Assert.True(await pipeline.Sidecar.SubscriptionCounterAsync(PipelineDefaults.LogsTopic, "redelivered", appId: PipelineDefaults.RouterAppId) > 0,
            "the router never saw a redelivery: the test proves nothing about duplicates");

        var calls = receiver.Calls.ToList();
        Assert.Equal(expectedAcme.Order(), calls.Where(c => c.Path == "/acme").SelectMany(c => c.EventIds).Distinct().Order());
        Assert.Equal(expectedBeta.Order(), calls.Where(c => c.Path == "/beta").SelectMany(c => c.EventIds).Distinct().Order());
        Assert.True(calls.Count > Requests * 2, $"{calls.Count} calls for {Requests * 2} route copies: no duplicate reached the receiver");

        // A key names exactly one body; an event always arrives under the same key.
        Assert.All(calls, c => Assert.NotNull(c.Key));
        Assert.All(calls.GroupBy(c => c.Key), g => Assert.Single(g.Select(c => c.Body).Distinct()));
        Assert.All(calls.SelectMany(c => c.EventIds.Select(id => (Id: id, c.Key))).GroupBy(p => p.Id), g => Assert.Single(g.Select(p => p.Key).Distinct()));
        await pipeline.AssertCountsSumAsync(Requests * 4);
    }

    [Fact]
    public async Task With_processing_rules_the_webhook_gets_only_redacted_events_every_matching_one_at_least_once_under_one_key()
    {
        await using var receiver = new WebhookReceiver(_ => HttpStatusCode.OK);
        await using var pipeline = await TestPipeline.StartAsync("routing-processed",
            sidecarArguments: ["--redeliver-successful", "2", "--delivery-delay", "20ms"],
            processingRules: """
                redaction:
                  presets: [email, ipv4]
                  mode: mask
                transforms:
                  - set: { key: processed, value: "yes" }
                """,
            routes: """
                routes:
                  - name: acme-errors
                    when: 'tenant_id == "acme" and severity == "error"'
                    binding: acme-webhook
                """,
            routeComponents: Components(("acme-webhook", receiver.Url)));

        const int Requests = 10;
        var expected = new HashSet<string>(StringComparer.Ordinal);
        for (var r = 0; r < Requests; r++)
        {
            var events = new JsonArray();
            foreach (var (tenant, severity) in new[] { ("acme", "error"), ("acme", "info"), ("beta", "error") })
            {
                var id = $"{tenant}-{severity}-{r}";
                events.Add(new JsonObject
                {
                    ["id"] = id,
                    ["tenant_id"] = tenant,
                    ["service"] = "api",
                    ["severity"] = severity,
                    ["message"] = $"login of user{r}@example.com from 10.9.{r}.1",
                    ["attributes"] = new JsonObject { ["peer"] = $"192.168.7.{r}" },
                });
                if (tenant == "acme" && severity == "error")
                {
                    expected.Add(id);
                }
            }

            await pipeline.PostLogsRetryingAsync(new JsonObject { ["events"] = events }.ToJsonString());
        }

        await pipeline.WaitUntilDrainedAsync();
        await pipeline.Sidecar.WaitUntilAppDrainedAsync(PipelineDefaults.ProcessorAppId, TimeSpan.FromSeconds(90), pipeline.Pipeline.Diagnostics);
        await pipeline.Sidecar.WaitUntilAppDrainedAsync(PipelineDefaults.RouterAppId, TimeSpan.FromSeconds(90), pipeline.Pipeline.Diagnostics);
        // The router reads what the processor publishes, never the raw topic.
        Assert.True(await pipeline.Sidecar.SubscriptionCounterAsync(PipelineDefaults.ProcessedTopic, "redelivered", appId: PipelineDefaults.RouterAppId) > 0,
            "the router never saw a redelivery of the processed topic: the test proves nothing about duplicates");

        var calls = receiver.Calls.ToList();
        Assert.Equal(expected.Order(), calls.SelectMany(c => c.EventIds).Distinct().Order());
        Assert.True(calls.Count > Requests, $"{calls.Count} calls for {Requests} route copies: no duplicate reached the receiver");
        Assert.All(calls, c => Assert.NotNull(c.Key));
        Assert.All(calls.GroupBy(c => c.Key), g => Assert.Single(g.Select(c => c.Body).Distinct()));
        Assert.All(calls.SelectMany(c => c.EventIds.Select(id => (Id: id, c.Key))).GroupBy(p => p.Id), g => Assert.Single(g.Select(p => p.Key).Distinct()));

        // What the receiver got is the processed event: redacted, transformed; no raw value in any call.
        Assert.All(calls, c =>
        {
            Assert.DoesNotContain("@example.com", c.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("10.9.", c.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("192.168.", c.Body, StringComparison.Ordinal);
            foreach (var e in JsonDocument.Parse(c.Body).RootElement.GetProperty("events").EnumerateArray())
            {
                Assert.Equal("login of [REDACTED:email] from [REDACTED:ipv4]", e.GetProperty("message").GetString());
                Assert.Equal("yes", e.GetProperty("attributes").GetProperty("processed").GetString());
                Assert.Equal("[REDACTED:ipv4]", e.GetProperty("attributes").GetProperty("peer").GetString());
            }
        });
        await pipeline.AssertCountsSumAsync(Requests * 3);
    }

    [Fact]
    public async Task A_failing_receiver_makes_the_route_s_copies_dead_letters_past_the_bound_while_counting_stays_exact()
    {
        await using var receiver = new WebhookReceiver(path => path == "/down" ? HttpStatusCode.InternalServerError : HttpStatusCode.OK);
        await using var pipeline = await TestPipeline.StartAsync("routing-failing",
            appEnvironment: new Dictionary<string, string?>
            {
                ["Routing__MaxAttempts"] = "3",
                ["Routing__InitialBackoff"] = "00:00:00.010",
                ["Routing__MaxBackoff"] = "00:00:00.050",
            },
            routes: """
                routes:
                  - name: failing
                    binding: down-webhook
                  - name: working
                    binding: up-webhook
                """,
            routeComponents: Components(("down-webhook", receiver.Url + "down"), ("up-webhook", receiver.Url + "up")));

        const int Requests = 8, PerRequest = 5;
        for (var r = 0; r < Requests; r++)
        {
            var events = new JsonArray();
            for (var i = 0; i < PerRequest; i++)
            {
                events.Add(new JsonObject { ["id"] = $"f-{r}-{i}", ["tenant_id"] = "fail", ["service"] = "api", ["severity"] = "warn", ["message"] = "m" });
            }

            await pipeline.PostLogsRetryingAsync(new JsonObject { ["events"] = events }.ToJsonString());
        }

        await pipeline.WaitUntilDrainedAsync();
        await pipeline.Sidecar.WaitUntilAppDrainedAsync(PipelineDefaults.RouterAppId, TimeSpan.FromSeconds(90), pipeline.Pipeline.Diagnostics);

        await pipeline.AssertCountsSumAsync(Requests * PerRequest);
        await using var connection = new NpgsqlConnection(pipeline.Pipeline.Postgres.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(Requests, await ScalarAsync(connection, "SELECT count(*) FROM logdapr.dead_letters WHERE message_id LIKE '%/route:failing'"));
        Assert.Equal(Requests, await ScalarAsync(connection, """
            SELECT count(*) FROM logdapr.dead_letters
            WHERE message_id LIKE '%/route:failing'
              AND reason = 'route failing: attempt 3 of 3: error invoking output binding down-webhook: received status code 500'
              AND json_array_length((payload::json)->'events') = 5
            """));
        Assert.Equal(0, await ScalarAsync(connection, "SELECT count(*) FROM logdapr.dead_letters WHERE message_id LIKE '%/route:working'"));
        Assert.Equal(Requests * 3, receiver.Calls.Count(c => c.Path == "/down"));
        Assert.Equal(Requests * PerRequest, receiver.Calls.Where(c => c.Path == "/up").SelectMany(c => c.EventIds).Distinct().Count());
    }

    private static string Components(params (string Name, string Url)[] bindings) => string.Join("---\n", bindings.Select(b => $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {b.Name}
        spec:
          type: bindings.http
          version: v1
          metadata:
            - name: url
              value: {b.Url}
            - name: responseTimeout
              value: 10s
        scopes:
          - logdapr-router

        """));

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private sealed record Call(string Path, string? Key, string Body, IReadOnlyList<string> EventIds);

    /// <summary>A webhook receiver on a free local port that records every request and answers as told per path.</summary>
    private sealed class WebhookReceiver : IAsyncDisposable
    {
        private readonly HttpListener listener = new();
        private readonly Func<string, HttpStatusCode> answer;
        private readonly Task loop;

        public WebhookReceiver(Func<string, HttpStatusCode> answer)
        {
            this.answer = answer;
            var port = FreePorts.Next();
            Url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/";
            listener.Prefixes.Add(Url);
            listener.Start();
            loop = Task.Run(ServeAsync);
        }

        public string Url { get; }

        public ConcurrentQueue<Call> Calls { get; } = new();

        public async ValueTask DisposeAsync()
        {
            listener.Stop();
            listener.Close();
            try
            {
                await loop;
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
            }
        }

        private async Task ServeAsync()
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                var path = context.Request.Url!.AbsolutePath;
                var ids = JsonDocument.Parse(body).RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToList();
                Calls.Enqueue(new Call(path, context.Request.Headers["Idempotency-Key"], body, ids));
                context.Response.StatusCode = (int)answer(path);
                context.Response.Close();
            }
        }
    }
}
