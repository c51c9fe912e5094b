using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.Tests.Support;

/// <summary>One request the sidecar sent to the fake app.</summary>
public sealed record Received(string Path, string? ContentType, string Body, string? ApiToken = null)
{
    public JsonNode Json => JsonNode.Parse(Body)!;
}

/// <summary>
/// A small app on Kestrel standing in for the aggregator: answers /dapr/subscribe with <see cref="SubscribeJson"/>
/// and records every POST, answering with <see cref="Respond"/>. Can be stopped and started again on the same
/// port to simulate a crash and restart.
/// </summary>
public sealed class FakeApp : IAsyncDisposable
{
    private WebApplication? app;

    public FakeApp(int? port = null)
    {
        Port = port ?? Ports.Free();
    }

    public int Port { get; }

    /// <summary>Serve HTTPS with this certificate (the URL stays http://; the sidecar's --app-protocol https switches it).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; init; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public string SubscribeJson { get; set; } = "[]";
    public int SubscribeCalls;
    public Func<Received, (int Status, string? Body)> Respond { get; set; } = Succeed;
    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>The dapr-api-token header of every GET /dapr/subscribe (null where absent).</summary>
    public ConcurrentQueue<string?> SubscribeTokens { get; } = new();

    /// <summary>Status GET /healthz answers (the sidecar's app health probe); every probe's token is recorded.</summary>
    public int HealthStatus { get; set; } = 200;
    public ConcurrentQueue<string?> HealthProbeTokens { get; } = new();

    public IEnumerable<Received> To(string path) => Requests.Where(r => r.Path == path);

    public async Task<FakeApp> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Port, listen =>
        {
            if (Certificate is not null)
            {
                listen.UseHttps(Certificate);
            }
        }));
        this.app = builder.Build();
        this.app.MapGet("/dapr/subscribe", (HttpContext context) =>
        {
            Interlocked.Increment(ref SubscribeCalls);
            SubscribeTokens.Enqueue(TokenOf(context));
            return Results.Content(SubscribeJson, "application/json");
        });
        this.app.MapGet("/healthz", (HttpContext context) =>
        {
            HealthProbeTokens.Enqueue(TokenOf(context));
            return Results.StatusCode(HealthStatus);
        });
        this.app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var received = new Received(context.Request.Path.Value!, context.Request.ContentType, await reader.ReadToEndAsync(), TokenOf(context));
            Requests.Enqueue(received);
            var (status, body) = Respond(received);
            context.Response.StatusCode = status;
            if (body is not null)
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(body);
            }
        });
        await this.app.StartAsync();
        return this;
    }

    public async Task StopAsync()
    {
        if (this.app is not null)
        {
            await this.app.StopAsync();
            await this.app.DisposeAsync();
            this.app = null;
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private static string? TokenOf(HttpContext context) =>
        context.Request.Headers.TryGetValue("dapr-api-token", out var token) ? token.ToString() : null;

    public static string Subscription(string topic, string route, string? deadLetter = null, bool bulk = false, int maxMessages = 10, int maxAwaitMs = 20, string pubsub = Yaml.PubSub)
    {
        var json = new JsonObject { ["pubsubname"] = pubsub, ["topic"] = topic, ["route"] = route };
        if (deadLetter is not null)
        {
            json["deadLetterTopic"] = deadLetter;
        }

        if (bulk)
        {
            json["bulkSubscribe"] = new JsonObject { ["enabled"] = true, ["maxMessagesCount"] = maxMessages, ["maxAwaitDurationMs"] = maxAwaitMs };
        }

        return json.ToJsonString();
    }

    /// <summary>An answer to a bulk delivery marking every entry SUCCESS (daprd treats an empty 2xx body as RETRY for all).</summary>
    public static (int Status, string? Body) BulkSuccess(Received request) => (200, new JsonObject
    {
        ["statuses"] = new JsonArray(request.Json["entries"]!.AsArray()
            .Select(e => (JsonNode)new JsonObject { ["entryId"] = (string)e!["entryId"]!, ["status"] = "SUCCESS" }).ToArray()),
    }.ToJsonString());

    /// <summary>BulkSuccess for bulk envelopes, an empty 200 for everything else.</summary>
    public static (int Status, string? Body) Succeed(Received request) =>
        request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true && request.Body.Contains("\"entries\"", StringComparison.Ordinal)
            ? BulkSuccess(request)
            : (200, null);

    public static string Subscriptions(params string[] items) => "[" + string.Join(",", items) + "]";
}
