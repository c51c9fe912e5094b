using LogDapr.TestSupport;
using System.Globalization;
using System.Net;
using LogDapr.Configuration.Pipeline;
using LogDapr.EndToEnd.Tests.Support;
using LogDapr.LocalStack.Layout;
using LogDapr.LocalStack.Processes;

namespace LogDapr.EndToEnd.Tests;

/// <summary>
/// A client that retries after any 503, timeout or dropped connection, with an Idempotency-Key or with an id on every
/// event, is counted exactly once however the first attempts ended: the sidecar hung, killed, storing part of a bulk
/// publish before failing it, or acknowledging after ingest gave up. Counts are read back from Postgres.
/// </summary>
public class RetryExactlyOnceTests
{
    private static readonly Dictionary<string, string?> SmallMessages = new()
    {
        // Several messages per request, so one request is a bulk publish that can fail part-way.
        ["Ingest__EventsPerMessage"] = "10",
        // Keys left pending by a request cut off mid-way are taken over after this long.
        ["Ingest__IdempotencyClaimTimeout"] = "00:00:03",
    };

    [Fact]
    public async Task Pausing_the_sidecar_mid_publish_counts_every_retried_request_once()
    {
        await using var pipeline = await TestPipeline.StartAsync("retry-pause", appEnvironment: SmallMessages);
        var model = Models.Recent(seed: 21);

        await RunAsync(pipeline, model, requests: 60, async () =>
        {
            for (var round = 0; round < 3; round++)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                pipeline.Pipeline.Sidecar.Pause();
                await Task.Delay(TimeSpan.FromSeconds(2.5));
                pipeline.Pipeline.Sidecar.Resume();
            }
        });

        await pipeline.AssertCountsExactAsync(model);
    }

    [Fact]
    public async Task Killing_the_sidecar_mid_publish_counts_every_retried_request_once()
    {
        // Each publish is stored 300 ms before it is acknowledged, so a kill finds messages stored but not confirmed.
        await using var pipeline = await TestPipeline.StartAsync("retry-kill",
            sidecarArguments: ["--chaos-publish-ack-delay", "300ms"], appEnvironment: SmallMessages);
        var model = Models.Recent(seed: 22);

        await RunAsync(pipeline, model, requests: 60, async () =>
        {
            for (var round = 0; round < 2; round++)
            {
                await Task.Delay(TimeSpan.FromSeconds(1.5));
                await pipeline.Pipeline.Sidecar.KillAsync();
                await Task.Delay(TimeSpan.FromMilliseconds(500));
                await pipeline.Pipeline.StartSidecarAsync(CancellationToken.None);
            }
        });

        await pipeline.AssertCountsExactAsync(model);
    }

    [Fact]
    public async Task Bulk_publishes_failing_after_storing_part_of_their_entries_count_every_retried_request_once()
    {
        await using var pipeline = await TestPipeline.StartAsync("retry-partial",
            sidecarArguments: ["--chaos-bulk-publish-partial", "0.3"], appEnvironment: SmallMessages);
        var model = Models.Recent(seed: 23);

        await RunAsync(pipeline, model, requests: 60, () => Task.CompletedTask);

        await pipeline.AssertCountsExactAsync(model);
    }

    [Fact]
    public async Task Acknowledgements_later_than_the_publish_timeout_count_every_retried_request_once()
    {
        // The broker stores each publish, then answers after 1.5 s: the pipeline's ingest (1 s bound) answers 503 for
        // messages that are stored. The client retries on a second ingest replica with a 4 s bound, which gets 202.
        await using var pipeline = await TestPipeline.StartAsync("retry-late-ack",
            sidecarArguments: ["--chaos-publish-ack-delay", "1500ms"],
            appEnvironment: new Dictionary<string, string?>(SmallMessages) { ["Ingest__PublishTimeout"] = "00:00:01" });
        await using var patient = await StartSecondIngestAsync(pipeline, publishTimeout: "00:00:04");
        var model = Models.Recent(seed: 24);
        var impatient = pipeline.Http;
        using var patientHttp = new HttpClient { BaseAddress = patient.Url, Timeout = TimeSpan.FromSeconds(30) };
        var firstAttempts = 0;

        await Task.WhenAll(Enumerable.Range(0, 4).Select(sender => Task.Run(async () =>
        {
            for (var request = 0; request < 4; request++)
            {
                var n = (sender * 4) + request;
                var answers = await SendUntilAcceptedAsync([impatient, patientHttp], model, 15 + (n * 7 % 40), n, keyed: n % 2 == 0);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, answers[0]);
                Interlocked.Increment(ref firstAttempts);
            }
        })));

        Assert.Equal(16, firstAttempts);
        await pipeline.AssertCountsExactAsync(model);
    }

    /// <summary>Four clients send requests, half keyed and half with event ids, each retried until 202, while <paramref name="chaos"/> runs.</summary>
    private static async Task RunAsync(TestPipeline pipeline, TrafficModel model, int requests, Func<Task> chaos)
    {
        var faults = Task.Run(chaos);
        var senders = Enumerable.Range(0, 4).Select(sender => Task.Run(async () =>
        {
            for (var request = sender; request < requests; request += 4)
            {
                await SendUntilAcceptedAsync([pipeline.Http], model, 20 + (request * 13 % 60), request, keyed: request % 2 == 0);
                await Task.Delay(50);
            }
        }));
        await Task.WhenAll([faults, .. senders]);
    }

    /// <summary>
    /// Sends one request again and again (first to <c>targets[0]</c>, then to the last target) until it gets a 202, and
    /// only then commits its events to the model. Returns the status of each attempt (0: no answer).
    /// </summary>
    private static async Task<List<HttpStatusCode>> SendUntilAcceptedAsync(HttpClient[] targets, TrafficModel model, int events, int shape, bool keyed)
    {
        var (payload, keys) = model.Next(events, shape, withIds: !keyed);
        var body = await payload.Content.ReadAsByteArrayAsync();
        var idempotencyKey = keyed ? Guid.NewGuid().ToString() : null;
        var statuses = new List<HttpStatusCode>();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            var target = targets[Math.Min(statuses.Count, targets.Length - 1)];
            using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = new ByteArrayContent(body) };
            message.Content.Headers.ContentType = payload.Content.Headers.ContentType;
            foreach (var encoding in payload.Content.Headers.ContentEncoding)
            {
                message.Content.Headers.ContentEncoding.Add(encoding);
            }

            if (idempotencyKey is not null)
            {
                message.Headers.Add("Idempotency-Key", idempotencyKey);
            }

            TimeSpan? retryAfter = null;
            try
            {
                using var response = await target.SendAsync(message);
                statuses.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    model.Commit(keys);
                    return statuses;
                }

                Assert.True(response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.Conflict,
                    $"attempt {statuses.Count} got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                retryAfter = response.Headers.RetryAfter?.Delta;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // A dropped connection or a client timeout: the outcome is unknown, which is what retries are for.
                statuses.Add(0);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(retryAfter?.TotalMilliseconds ?? 200, 500)));
        }

        Assert.Fail($"no 202 after {statuses.Count} attempts: {string.Join(", ", statuses)}");
        return statuses;
    }

    private static async Task<SecondIngest> StartSecondIngestAsync(TestPipeline pipeline, string publishTimeout)
    {
        var port = FreePorts.Next();
        var url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        var process = new ManagedProcess(ProcessSpec.Dotnet("ingest-2", RepoLayout.Discover().IngestDll, [], new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = url.ToString().TrimEnd('/'),
            // A second replica of the same app: it talks to the ingest app id's Dapr API, as the first does.
            ["DAPR_HTTP_PORT"] = pipeline.Pipeline.DaprPorts(PipelineDefaults.IngestAppId).Http.ToString(CultureInfo.InvariantCulture),
            ["DAPR_GRPC_PORT"] = pipeline.Pipeline.DaprPorts(PipelineDefaults.IngestAppId).Grpc.ToString(CultureInfo.InvariantCulture),
            ["APP_ID"] = "logdapr-ingest",
            ["DOTNET_gcServer"] = "0",
            ["Auth__Enabled"] = "false",
            ["Ingest__EventsPerMessage"] = SmallMessages["Ingest__EventsPerMessage"],
            ["Ingest__PublishTimeout"] = publishTimeout,
        }), ScratchDirectory.NewPath("logdapr-e2e", "ingest-2"));
        process.Start();
        await process.WaitForHttpAsync(new Uri(url, "/readyz"), TimeSpan.FromSeconds(90));
        return new SecondIngest(process, url);
    }

    private sealed record SecondIngest(ManagedProcess Process, Uri Url) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Process.DisposeAsync();
            ScratchDirectory.Remove(Path.GetDirectoryName(Process.LogPath));
        }
    }
}
