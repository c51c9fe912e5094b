using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using LogDapr.Configuration.Pipeline;
using LogDapr.EndToEnd.Tests.Support;
using LogDapr.LocalStack.Processes;

namespace LogDapr.EndToEnd.Tests;

/// <summary>
/// The aggregator against a hostile or sloppy network: forged deliveries, ids that come back with another time,
/// ids Postgres cannot store, and bodies built to blow up memory. The pipeline keeps counting exactly.
/// </summary>
public class AggregatorHardeningTests
{
    private static string Event(string tenant, string service, DateTimeOffset at, string severity = "info")
        => $$$"""{"tenant_id":"{{{tenant}}}","service":"{{{service}}}","severity":"{{{severity}}}","message":"m","timestamp":"{{{at.ToString("O", CultureInfo.InvariantCulture)}}}"}""";

    private static string CloudEvent(string id, string data, string? time)
        => $$$"""{"specversion":"1.0","id":"{{{id}}}","source":"tests/any-app","type":"io.logdapr.logbatch.v1",{{{(time is null ? "" : $"\"time\":\"{time}\",")}}}"datacontenttype":"application/json","data":{{{data}}}}""";

    private static async Task<long> TenantTotalAsync(TestPipeline pipeline, string tenant, DateTimeOffset from)
    {
        var response = await pipeline.Client.GetMetricsAsync(
            $"tenant={tenant}&from={Uri.EscapeDataString(from.AddMinutes(-5).ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(from.AddMinutes(20).ToString("O", CultureInfo.InvariantCulture))}");
        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        return response.Body!["total_events"]!.GetValue<long>();
    }

    [Fact]
    public async Task A_forged_delivery_without_the_app_token_is_refused_and_counts_nothing()
    {
        await using var pipeline = await TestPipeline.StartAsync("forged");
        var at = Models.Recent(seed: 1).From;
        // The request that added 200,000 counts: one message of many events, straight to the delivery route.
        var data = "{\"events\":[" + string.Join(',', Enumerable.Repeat(Event("victim", "forged", at), 2_000)) + "]}";
        using var http = new HttpClient();

        foreach (var token in new string?[] { null, "guessed" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(pipeline.Pipeline.AggregatorUrl, PipelineDefaults.LogsRoute))
            {
                Content = new StringContent(CloudEvent(Guid.NewGuid().ToString(), data, null), Encoding.UTF8, "application/cloudevents+json"),
            };
            if (token is not null)
            {
                request.Headers.Add("dapr-api-token", token);
            }

            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // The sidecar, which has the token, still delivers.
        var published = await pipeline.Client.PublishViaDaprAsync(PipelineDefaults.PubSubComponent, PipelineDefaults.LogsTopic,
            CloudEvent("real-1", "{\"events\":[" + Event("victim", "real", at) + "]}", null), "application/cloudevents+json");
        Assert.Equal(HttpStatusCode.NoContent, published.Status);
        await pipeline.WaitUntilDrainedAsync();
        Assert.Equal(1, await TenantTotalAsync(pipeline, "victim", at));
    }

    [Fact]
    public async Task A_message_id_is_counted_once_whatever_time_it_comes_back_with()
    {
        await using var pipeline = await TestPipeline.StartAsync("dedup-id");
        var at = Models.Recent(seed: 2).From;
        var data = "{\"events\":[" + Event("retrier", "api", at) + "," + Event("retrier", "api", at, "error") + "]}";
        // A client retry republishing the same id with a new time, the same id a day later, and without time at all.
        string?[] times = [at.AddMinutes(1).ToString("O", CultureInfo.InvariantCulture), at.AddDays(1).ToString("O", CultureInfo.InvariantCulture), null, at.AddDays(-2).ToString("O", CultureInfo.InvariantCulture)];

        foreach (var time in times)
        {
            var published = await pipeline.Client.PublishViaDaprAsync(PipelineDefaults.PubSubComponent, PipelineDefaults.LogsTopic,
                CloudEvent("same-id-1", data, time), "application/cloudevents+json");
            Assert.Equal(HttpStatusCode.NoContent, published.Status);
            await pipeline.WaitUntilDrainedAsync();
        }

        Assert.Equal(2, await TenantTotalAsync(pipeline, "retrier", at));
    }

    [Fact]
    public async Task Ids_postgres_cannot_store_are_dead_lettered_while_steady_traffic_is_counted_exactly()
    {
        await using var pipeline = await TestPipeline.StartAsync("poison-ids");
        var model = Models.Recent(seed: 3);
        var at = model.From.AddMinutes(1);
        string[] poisonIds = [new string('x', 8 * 1024), "abc\\u0000def", "tail\\u0000"];

        for (var request = 0; request < 30; request++)
        {
            Assert.Equal(HttpStatusCode.Accepted, await pipeline.SendRetryingAsync(model, 20, request));
            if (request % 10 == 0)
            {
                var id = poisonIds[request / 10];
                var published = await pipeline.Client.PublishViaDaprAsync(PipelineDefaults.PubSubComponent, PipelineDefaults.LogsTopic,
                    CloudEvent(id, "{\"events\":[" + Event("poisoner", "api", at) + "]}", null), "application/cloudevents+json");
                Assert.Equal(HttpStatusCode.NoContent, published.Status);
            }
        }

        // Drained within the normal wait: nothing is retried forever, every valid event is counted once.
        await pipeline.AssertCountsExactAsync(model);
        var deadLetters = (await pipeline.Client.ListDeadLettersAsync()).Body!["items"]!.AsArray();
        Assert.Equal(3, deadLetters.Count);
        Assert.All(deadLetters, d => Assert.Contains("CloudEvent id", d!["reason"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Decompression_bombs_and_oversized_deliveries_leave_the_aggregator_memory_flat()
    {
        await using var pipeline = await TestPipeline.StartAsync("delivery-memory");
        var pid = pipeline.Pipeline.Aggregator.ProcessId ?? throw new InvalidOperationException("aggregator not running");
        var before = ProcessMemory.ResidentBytes(pid);
        var bomb = new MemoryStream();
        await using (var gzip = new GZipStream(bomb, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            // Inflates to 256 MiB of a valid-looking JSON string: the issue's 254 KB request.
            gzip.Write("{\"entries\":[{\"entryId\":\"e\",\"event\":\""u8);
            var chunk = Encoding.ASCII.GetBytes(new string('a', 1024 * 1024));
            for (var i = 0; i < 256; i++)
            {
                gzip.Write(chunk);
            }
        }

        // Over Aggregator:MaxDeliveryBytes (128 MiB by default).
        var oversized = Encoding.UTF8.GetBytes("{\"entries\":[{\"entryId\":\"e\",\"event\":\"" + new string('a', 160 * 1024 * 1024) + "\"}]}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var statuses = new List<HttpStatusCode>();
        long peak = before;
        for (var round = 0; round < 3; round++)
        {
            foreach (var (body, gzip) in new[] { (bomb.ToArray(), true), (oversized, false) })
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new("application/json");
                if (gzip)
                {
                    content.Headers.ContentEncoding.Add("gzip");
                }

                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(pipeline.Pipeline.AggregatorUrl, PipelineDefaults.LogsRoute)) { Content = content };
                request.Headers.Add("dapr-api-token", pipeline.Pipeline.AppToken);
                try
                {
                    using var response = await http.SendAsync(request);
                    statuses.Add(response.StatusCode);
                }
                catch (HttpRequestException)
                {
                    // Refused before the whole body was sent: the server answered and closed.
                    statuses.Add(HttpStatusCode.RequestEntityTooLarge);
                }

                peak = Math.Max(peak, ProcessMemory.ResidentBytes(pid));
            }
        }

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.UnsupportedMediaType or HttpStatusCode.RequestEntityTooLarge, s.ToString()));
        Assert.True(peak - before < 100L * 1024 * 1024, $"aggregator grew from {before >> 20} MiB to {peak >> 20} MiB");
        // And it still counts.
        var model = Models.Recent(seed: 4);
        Assert.Equal(HttpStatusCode.Accepted, await pipeline.SendRetryingAsync(model, 10, 0));
        await pipeline.AssertCountsExactAsync(model);
    }
}
