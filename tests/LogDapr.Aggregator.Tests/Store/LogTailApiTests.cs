using System.Net;
using System.Text.Json.Nodes;
using LogDapr.Aggregator.Store.Tail;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LogDapr.Aggregator.Tests.Store;

/// <summary>GET /v1/logs/tail: Server-Sent Events of new matching events, bounded in tails and in buffered events.</summary>
[Collection(PostgresCollection.Name)]
public sealed class LogTailApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private StoreHost host = null!;

    public async Task InitializeAsync() => host = await StoreHost.StartAsync(postgres, "storetail", new Dictionary<string, string?>
    {
        ["Store:Tail:MaxConcurrent"] = "2",
        ["Store:Tail:BufferedEvents"] = "3",
        ["Store:Tail:PollInterval"] = "00:00:00.050",
        ["Store:Tail:HeartbeatInterval"] = "00:00:00.200",
    });

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_tail_streams_a_new_matching_event_and_nothing_of_other_tenants_or_filters()
    {
        using var client = host.Client(host.Acme);
        using var response = await client.GetAsync("/v1/logs/tail?service=api&q=payment", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var now = DateTimeOffset.UtcNow;
        await host.InsertAsync(new StoredRow("globex", "tail-globex", now, "api", Message: "payment failed"));
        await host.InsertAsync(new StoredRow("acme", "tail-web", now, "web", Message: "payment failed"));
        await host.InsertAsync(new StoredRow("acme", "tail-other-words", now, "api", Message: "login ok"));
        await host.InsertAsync(new StoredRow("acme", "tail-match", now, "api", 5, Message: "payment failed", Attributes: """{"k":"v"}"""));

        using var patience = new CancellationTokenSource(Patience);
        var seen = new List<string>();
        while (!seen.Contains("tail-match"))
        {
            var line = await reader.ReadLineAsync(patience.Token);
            Assert.NotNull(line);
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var e = JsonNode.Parse(line["data: ".Length..])!;
                seen.Add(e["id"]!.GetValue<string>());
                if (e["id"]!.GetValue<string>() == "tail-match")
                {
                    Assert.Equal("error", e["severity"]!.GetValue<string>());
                    Assert.Equal("v", e["attributes"]!["k"]!.GetValue<string>());
                    Assert.Equal("acme", e["tenant"]!.GetValue<string>());
                }
            }
        }

        Assert.Equal(["tail-match"], seen);
    }

    [Fact]
    public async Task Beyond_the_concurrent_limit_a_tail_is_refused_with_429_and_a_closed_tail_frees_its_slot()
    {
        using var client = host.Client(host.Acme);
        var first = await client.GetAsync("/v1/logs/tail", HttpCompletionOption.ResponseHeadersRead);
        using var second = await client.GetAsync("/v1/logs/tail", HttpCompletionOption.ResponseHeadersRead);
        using var third = await client.GetAsync("/v1/logs/tail", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.NotNull(third.Headers.RetryAfter);
        Assert.Equal("https://logdapr.io/problems/overloaded", JsonNode.Parse(await third.Content.ReadAsStringAsync())!["type"]!.GetValue<string>());

        first.Dispose();
        await Eventually.TrueAsync(async () =>
        {
            using var again = await client.GetAsync("/v1/logs/tail", HttpCompletionOption.ResponseHeadersRead);
            return again.StatusCode == HttpStatusCode.OK;
        }, "a slot freed when a client went away");
    }

    [Fact]
    public async Task A_client_slower_than_the_stream_is_told_how_many_events_were_dropped()
    {
        var metrics = host.Services.GetRequiredService<TailMetrics>();
        var droppedBefore = metrics.DroppedTotal;
        using var client = host.Client(host.Acme);
        using var response = await client.GetAsync("/v1/logs/tail?service=flood", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // 400 events of 1 KiB: far more than the response pipe holds and 3 buffered, while nobody reads.
        await host.ScalarAsync("""
            INSERT INTO logdapr.log_events (tenant_id, event_day, event_id, ts, received_at, service, severity, message, message_id)
            SELECT 'acme', (now() AT TIME ZONE 'UTC')::date, 'flood-' || i, now(), now(), 'flood', 3, repeat('x', 1024), 'm' FROM generate_series(1, 400) AS i;
            SELECT 0
            """);
        await Eventually.TrueAsync(() => metrics.DroppedTotal > droppedBefore, "the tail dropped events for the client that does not read");

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var patience = new CancellationTokenSource(Patience);
        string? line;
        do
        {
            line = await reader.ReadLineAsync(patience.Token);
            Assert.NotNull(line);
        }
        while (line != "event: dropped");

        var count = JsonNode.Parse((await reader.ReadLineAsync(patience.Token))!["data: ".Length..])!["count"]!.GetValue<long>();
        Assert.True(count > 0);
    }

    [Fact]
    public async Task A_quiet_tail_sends_heartbeat_comments()
    {
        using var client = host.Client(host.Acme);
        using var response = await client.GetAsync("/v1/logs/tail?service=quiet", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var patience = new CancellationTokenSource(Patience);

        Assert.Equal(": heartbeat", await reader.ReadLineAsync(patience.Token));
    }

    [Theory]
    [InlineData("from=2026-01-01T00:00:00Z", "from")]
    [InlineData("severity=loud", "severity")]
    [InlineData("q=%22%22", "q")]
    public async Task A_bad_tail_parameter_is_a_400_naming_it(string query, string parameter)
    {
        var (status, body, text) = await host.GetAsync("/v1/logs/tail?" + query, host.Acme);

        Assert.True(status == 400, text);
        Assert.NotNull(body!["errors"]![parameter]);
    }
}
