using System.Diagnostics;
using System.Net;
using System.Text;
using LogDapr.Ingest.Tests.Api;
using LogDapr.Ingest.Tests.Support;

namespace LogDapr.Ingest.Tests.EdgeProtection;

/// <summary>
/// Idempotency keys when the sidecar misbehaves, each test with its own sidecar process: a hung sidecar cannot hold a
/// keyed request beyond its bounds, a 503 leaves the key for the retry to take over, and a request overtaken by its
/// own retry does not undo the retry's record.
/// </summary>
public sealed class IdempotencyRetryTests
{
    private const string Body = """[{"tenant_id":"acme","service":"api","severity":"info","message":"retried"}]""";

    private static async Task<(HttpStatusCode Status, HttpResponseMessage Response)> PostAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        var response = await client.SendAsync(request);
        return (response.StatusCode, response);
    }

    private static async Task<SidecarFixture> StartSidecarAsync(params string[] arguments)
    {
        var sidecar = new SidecarFixture(arguments);
        await sidecar.InitializeAsync();
        return sidecar;
    }

    [Fact]
    public async Task A_keyed_request_is_answered_within_the_publish_bound_and_the_state_margin_when_the_sidecar_hangs()
    {
        var sidecar = await StartSidecarAsync();
        try
        {
            using var factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string>
            {
                ["Ingest:PublishTimeout"] = "00:00:01",
                ["Ingest:IdempotencyStoreTimeout"] = "00:00:01",
                ["Ingest:IdempotencyClaimTimeout"] = "00:00:02",
            });
            var client = factory.CreateClient();
            // Warm-up: the first publish also opens the gRPC connection, which on a busy machine can take longer than
            // the 1 s publish bound of this test; what is measured below is a request on a connection already open.
            await AcceptedSoonAsync(client);
            var key = Guid.NewGuid().ToString();

            sidecar.Pause();
            var resume = Task.Delay(TimeSpan.FromSeconds(15)).ContinueWith(_ => sidecar.Resume(), TaskScheduler.Default);
            var clock = Stopwatch.StartNew();
            var (status, response) = await PostAsync(client, key);
            clock.Stop();
            await resume;

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.NotNull(response.Headers.RetryAfter);
            // Bound: publish 1 s + two state phases of 1 s; the rest is margin for a loaded machine, far below the 15 s hang.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"a keyed request with the sidecar hung took {clock.Elapsed}");

            // Once the sidecar answers again, retrying the same request with the same key gets it accepted.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            do
            {
                await Task.Delay(250);
                (status, _) = await PostAsync(client, key);
            }
            while (status != HttpStatusCode.Accepted && DateTime.UtcNow < deadline);

            Assert.Equal(HttpStatusCode.Accepted, status);
        }
        finally
        {
            await sidecar.DisposeAsync();
        }
    }

    private static async Task AcceptedSoonAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            (status, _) = await PostAsync(client, Guid.NewGuid().ToString());
        }
        while (status != HttpStatusCode.Accepted && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.Accepted, status);
    }

    [Fact]
    public async Task A_503_leaves_the_key_to_a_retry_that_takes_it_over_at_once()
    {
        // The broker stores each publish but answers after 4 s: past a 2 s publish bound, within a 10 s one. The first
        // attempt has 2 s to reach the broker: with 1 s a busy machine sometimes cancelled it before it did.
        var sidecar = await StartSidecarAsync("--chaos-publish-ack-delay", "4s");
        try
        {
            using var impatient = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string> { ["Ingest:PublishTimeout"] = "00:00:02" });
            using var patient = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string> { ["Ingest:PublishTimeout"] = "00:00:10" });
            var key = Guid.NewGuid().ToString();
            var before = await sidecar.PublishedAsync("logs");

            var first = await PostAsync(impatient.CreateClient(), key);
            var retry = await PostAsync(patient.CreateClient(), key);
            var replay = await PostAsync(patient.CreateClient(), key);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, first.Status);
            Assert.Equal(HttpStatusCode.Accepted, retry.Status);
            Assert.False(retry.Response.Headers.Contains("Idempotent-Replayed"));
            Assert.Equal(HttpStatusCode.Accepted, replay.Status);
            Assert.Equal("true", replay.Response.Headers.GetValues("Idempotent-Replayed").Single());
            // The first attempt reached the broker too: the same message twice, which the aggregator counts once by its id.
            Assert.Equal(before + 2, await sidecar.PublishedAsync("logs"));
        }
        finally
        {
            await sidecar.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_request_overtaken_by_its_retry_still_answers_202_and_leaves_the_retrys_record()
    {
        // The broker stores each publish at once and answers 3 s later, so the first request is still waiting for its
        // answer when its claim (1 s) has long expired and the retry takes the key over.
        var sidecar = await StartSidecarAsync("--chaos-publish-ack-delay", "3s");
        try
        {
            using var factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string>
            {
                ["Ingest:PublishTimeout"] = "00:00:08",
                ["Ingest:IdempotencyClaimTimeout"] = "00:00:01",
            });
            var client = factory.CreateClient();
            var key = Guid.NewGuid().ToString();
            var before = await sidecar.PublishedAsync("logs");

            var first = PostAsync(client, key);
            // The retry is sent only once the first request has claimed the key and its publish is at the broker, and
            // its claim is older than the claim timeout: a wall-clock guess would race a slow first claim on a busy
            // machine, and the retry would find the key in flight.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await sidecar.PublishedAsync("logs") == before && DateTime.UtcNow < deadline && !first.IsCompleted)
            {
                await Task.Delay(20);
            }

            if (first.IsCompleted)
            {
                Assert.Fail($"the first request was answered {await DescribeAsync(await first)} before its publish was acknowledged");
            }

            await Task.Delay(TimeSpan.FromSeconds(1.2));
            var second = PostAsync(client, key);
            var answers = await Task.WhenAll(first, second);
            var replay = await PostAsync(client, key);

            foreach (var answer in answers)
            {
                if (answer.Status != HttpStatusCode.Accepted)
                {
                    Assert.Fail($"answered {await DescribeAsync(answer)}");
                }
            }

            Assert.False(answers[1].Response.Headers.Contains("Idempotent-Replayed"), "the retry replayed the first request's answer instead of taking its key over");
            Assert.Equal(HttpStatusCode.Accepted, replay.Status);
            Assert.Equal("true", replay.Response.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.Empty(factory.Logs.Errors);
        }
        finally
        {
            await sidecar.DisposeAsync();
        }
    }

    private static async Task<string> DescribeAsync((HttpStatusCode Status, HttpResponseMessage Response) answer)
        => $"{(int)answer.Status}: {await answer.Response.Content.ReadAsStringAsync()}";
}
