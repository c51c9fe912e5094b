using System.Net;
using System.Net.Sockets;
using LogDapr.LoadGen.Http;
using LogDapr.LoadGen.Payload;
using LogDapr.LoadGen.Runner;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LogDapr.LoadTest.Tests.Runner;

/// <summary>The generator against a local server whose speed the test controls.</summary>
public sealed class OpenLoopRunnerTests : IAsyncLifetime
{
    private WebApplication? app;
    private Uri url = null!;
    private volatile int delayMilliseconds;

    public async Task InitializeAsync()
    {
        var port = LogDapr.LocalStack.Processes.FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        app = builder.Build();
        app.MapPost("/v1/logs", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            if (delayMilliseconds > 0)
            {
                await Task.Delay(delayMilliseconds);
            }

            var events = body.TrimStart().StartsWith('[') ? System.Text.Json.JsonDocument.Parse(body).RootElement.GetArrayLength() : 1;
            return Results.Json(new { accepted = events, rejected = Array.Empty<object>() }, statusCode: 202);
        });
        await app.StartAsync();
        url = new Uri($"http://127.0.0.1:{port}/v1/logs");
        // JIT and first connections take longer than the schedule allows; the tests measure a warm client and server.
        await RunAsync(rate: 100, seconds: 0.5, cap: 8, eventsPerRequest: 10);
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Sends_on_schedule_and_counts_every_answer()
    {
        // The cap is above everything the second schedules, so no request may be dropped however slow the machine:
        // every one of the 200 is sent and answered (a loaded CI machine once made 107 of them hit a cap of 32).
        var result = await RunAsync(rate: 200, seconds: 1, cap: 256, eventsPerRequest: 10);
        Assert.Equal(200, result.Scheduled);
        Assert.Equal(0, result.DroppedAtCap);
        Assert.Equal(200, result.Sent);
        Assert.Equal(result.Sent, result.Completed);
        Assert.Equal(10 * result.Completed, result.AcceptedEvents);
        Assert.Equal(result.Completed, result.Statuses[202]);
        Assert.Equal(result.Completed, result.Latency.TotalCount);
        Assert.Equal(result.Sent, result.DispatchLag.TotalCount);
        // Open loop: the schedule spans the whole duration, it is not sent as fast as possible.
        Assert.True(result.Elapsed.TotalSeconds >= 0.99, $"ran {result.Elapsed.TotalSeconds:0.000} s of a 1 s schedule");
        Assert.Equal(result.AcceptedEvents, result.AcceptedPerTenant.Sum());
        Assert.Equal(0, result.Errors);
    }

    [Fact]
    public async Task A_slow_server_shows_as_drops_at_the_cap_and_as_latency_from_the_intended_time()
    {
        delayMilliseconds = 200;
        // 50 req/s with at most 2 in flight and 200 ms per answer: only ~10 can be sent in a second.
        var result = await RunAsync(rate: 50, seconds: 1, cap: 2, eventsPerRequest: 1);
        Assert.Equal(50, result.Scheduled);
        Assert.Equal(result.Scheduled, result.Sent + result.DroppedAtCap);
        Assert.InRange(result.DroppedAtCap, 30, 48);
        Assert.Equal(result.Sent, result.Completed);
        // The server holds each answer 200 ms; allow 2% for the histogram's slot width and the timers' millisecond granularity.
        Assert.True(result.Latency.ValueAtPercentile(50) >= 196_000, $"p50 {result.Latency.ValueAtPercentile(50)} µs is below the server's 200 ms");
    }

    private async Task<RunResult> RunAsync(double rate, double seconds, int cap, int eventsPerRequest)
    {
        var profile = new LoadProfile { TargetUrl = url, RequestsPerSecond = rate, Duration = TimeSpan.FromSeconds(seconds), MaxInFlight = cap };
        using var http = LoadHttpClient.Create(cap, TimeSpan.FromSeconds(10));
        var templates = PayloadFactory.Build(new PayloadOptions { EventsPerRequest = eventsPerRequest, Tenants = 2 });
        return await new OpenLoopRunner(http, profile, templates).RunAsync();
    }
}
