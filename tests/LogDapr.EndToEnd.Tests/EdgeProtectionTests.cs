using System.Net;
using LogDapr.EndToEnd.Tests.Support;
using LogDapr.LocalStack.Processes;

namespace LogDapr.EndToEnd.Tests;

/// <summary>Edge protection through the real pipeline: nothing it refuses is counted, nothing it accepts is lost or doubled.</summary>
public class EdgeProtectionTests
{
    [Fact]
    public async Task Retries_and_concurrent_duplicates_with_one_idempotency_key_are_counted_once()
    {
        await using var pipeline = await TestPipeline.StartAsync("idempotency");
        var model = Models.Recent(seed: 8);

        for (var request = 0; request < 10; request++)
        {
            var (payload, keys) = model.Next(40, request % 4);
            var body = await payload.Content.ReadAsByteArrayAsync();
            var key = $"request-{request}";
            var statuses = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = new ByteArrayContent(body) };
                message.Content.Headers.ContentType = payload.Content.Headers.ContentType;
                foreach (var encoding in payload.Content.Headers.ContentEncoding)
                {
                    message.Content.Headers.ContentEncoding.Add(encoding);
                }

                message.Headers.Add("Idempotency-Key", key);
                using var response = await pipeline.Http.SendAsync(message);
                return response.StatusCode;
            }));

            Assert.Contains(HttpStatusCode.Accepted, statuses);
            Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Accepted or HttpStatusCode.Conflict, s.ToString()));
            model.Commit(keys);
        }

        await pipeline.AssertCountsExactAsync(model);
    }

    [Fact]
    public async Task A_flood_beyond_capacity_gets_quick_503s_with_bounded_memory_and_every_202_is_counted_once()
    {
        await using var pipeline = await TestPipeline.StartAsync("overload", appEnvironment: new Dictionary<string, string?>
        {
            ["Ingest__MaxConcurrentRequests"] = "4",
            ["Ingest__MaxAwaitingPublish"] = "4",
            ["Ingest__MaxInFlightBodyBytes"] = (16 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var model = Models.Recent(seed: 9);
        var pid = pipeline.Pipeline.Ingest.ProcessId!.Value;
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        long peakResident = 0;
        using var flooding = new CancellationTokenSource(TimeSpan.FromSeconds(6));

        var sampler = Task.Run(async () =>
        {
            while (!flooding.IsCancellationRequested)
            {
                peakResident = Math.Max(peakResident, ProcessMemory.ResidentBytes(pid));
                await Task.Delay(100);
            }
        });
        var senders = Enumerable.Range(0, 32).Select(sender => Task.Run(async () =>
        {
            for (var request = 0; !flooding.IsCancellationRequested; request++)
            {
                statuses.Add(await pipeline.SendAsync(model, 300, sender + request));
            }
        }));
        await Task.WhenAll(senders);
        await sampler;

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable, s.ToString()));
        Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);
        Assert.Contains(HttpStatusCode.Accepted, statuses);
        // Bodies in flight are capped at 16 MiB and requests at 4; the process must not grow with the offered load.
        Assert.True(peakResident < 400L * 1024 * 1024, $"ingest peaked at {peakResident / (1024 * 1024)} MiB under the flood");
        await pipeline.AssertCountsExactAsync(model);
    }
}
