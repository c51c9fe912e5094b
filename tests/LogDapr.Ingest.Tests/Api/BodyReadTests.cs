using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LogDapr.Ingest.Tests.Support;

namespace LogDapr.Ingest.Tests.Api;

/// <summary>
/// Clients that send their body slowly, stop half-way or never finish, on real sockets: each gets a 4xx counted as a
/// client error (never a 500, never an Error log), and none of them keeps a fast client out.
/// </summary>
[Collection(IsolatedMetricsCollection.Name)]
public sealed class BodyReadTests : IClassFixture<SidecarFixture>, IDisposable
{
    private static readonly TimeSpan MaxBodyReadTime = TimeSpan.FromSeconds(3);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat(
        """{"tenant_id":"acme","service":"api","severity":"info","message":"a message long enough to take a while at a slow pace"}""", 300)) + "]");

    private readonly IngestFactory factory;
    private readonly Uri server;

    public BodyReadTests(SidecarFixture sidecar)
    {
        factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string>
        {
            ["Ingest:MaxBodyReadTime"] = MaxBodyReadTime.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            // The fast request must not fail for a slow sidecar on a loaded test machine; only slots are under test.
            ["Ingest:PublishTimeout"] = "00:00:10",
        });
        server = factory.StartOnKestrel();
    }

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task A_body_shorter_than_its_content_length_is_a_client_error()
    {
        await using var raw = await RawHttp.ConnectAsync(server);
        await raw.SendHeadAsync("Content-Length: 1000");
        await raw.SendAsync("""{"tenant_id":"acme","""u8.ToArray());
        raw.EndRequest();

        var (status, text) = await raw.ReadResponseAsync(TimeSpan.FromSeconds(15));

        // The client has stopped sending; if it still listens it gets a 400, and either way the server counts a client error.
        Assert.True(status is 0 or 400, text);
        await AssertCountedAsClientErrorAsync("malformed_payload");
    }

    [Fact]
    public async Task A_body_that_stops_arriving_gets_408()
    {
        await using var raw = await RawHttp.ConnectAsync(server);
        await raw.SendHeadAsync("Content-Length: 1000");
        await raw.SendAsync("""{"tenant_id":"acme","""u8.ToArray());

        var (status, text) = await raw.ReadResponseAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(408, status);
        Assert.Contains("https://logdapr.io/problems/request-timeout", text, StringComparison.Ordinal);
        await AssertCountedAsClientErrorAsync("request_timeout");
    }

    [Fact]
    public async Task A_chunked_body_that_goes_idle_gets_408()
    {
        await using var raw = await RawHttp.ConnectAsync(server);
        await raw.SendHeadAsync("Transfer-Encoding: chunked");
        await raw.SendAsync("5\r\n[{\"te\r\n"u8.ToArray());

        var (status, text) = await raw.ReadResponseAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(408, status);
        await AssertCountedAsClientErrorAsync("request_timeout");
    }

    [Fact]
    public async Task A_body_trickling_at_one_byte_per_second_gets_408()
    {
        await using var raw = await RawHttp.ConnectAsync(server);
        await raw.SendHeadAsync($"Content-Length: {Body.Length}");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var trickle = raw.TrickleAsync(Body, piece: 1, TimeSpan.FromSeconds(1), stop.Token);

        var (status, text) = await raw.ReadResponseAsync(TimeSpan.FromSeconds(20));
        await stop.CancelAsync();
        await trickle;

        Assert.Equal(408, status);
        await AssertCountedAsClientErrorAsync("request_timeout");
    }

    [Fact]
    public async Task Slow_clients_holding_more_connections_than_there_are_slots_do_not_keep_a_fast_client_out()
    {
        // 66 clients at about 300 B/s (above Kestrel's minimum data rate) against the default 64 request slots.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var slow = Enumerable.Range(0, 66).Select(async _ =>
        {
            await using var raw = await RawHttp.ConnectAsync(server);
            await raw.SendHeadAsync($"Content-Length: {Body.Length}");
            var trickle = raw.TrickleAsync(Body, piece: 30, TimeSpan.FromMilliseconds(100), stop.Token);
            var answer = await raw.ReadResponseAsync(TimeSpan.FromSeconds(30));
            await trickle;
            return answer.Status;
        }).ToList();
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        using var fast = await factory.CreateClient().PostAsync("/v1/logs", new StringContent(
            """{"tenant_id":"acme","service":"api","severity":"info","message":"fast"}""", Encoding.UTF8, MediaTypeHeaderValue.Parse("application/json")));
        var slowStatuses = await Task.WhenAll(slow);
        await stop.CancelAsync();

        Assert.True(fast.StatusCode == HttpStatusCode.Accepted, $"{fast.StatusCode}: {await fast.Content.ReadAsStringAsync()}");
        // Each slow body takes longer than Ingest:MaxBodyReadTime to arrive, so each is cut off with a 408.
        Assert.All(slowStatuses, s => Assert.Equal(408, s));
    }

    /// <summary>The refusal shows as a 4xx request in the metrics, never a 5xx, and nothing was logged as an error.</summary>
    private async Task AssertCountedAsClientErrorAsync(string reason)
    {
        string metrics = "";
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            metrics = await factory.CreateClient().GetStringAsync("/metrics");
            if (metrics.Contains($"reason=\"{reason}\"", StringComparison.Ordinal)
                && metrics.Split('\n').Any(l => l.StartsWith("logdapr_ingest_requests_rejected_total", StringComparison.Ordinal) && l.Contains($"reason=\"{reason}\"", StringComparison.Ordinal) && !l.EndsWith(" 0", StringComparison.Ordinal)))
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.Contains(metrics.Split('\n'), l => l.StartsWith("logdapr_ingest_requests_rejected_total", StringComparison.Ordinal)
            && l.Contains($"reason=\"{reason}\"", StringComparison.Ordinal) && !l.EndsWith(" 0", StringComparison.Ordinal));
        Assert.DoesNotContain(metrics.Split('\n'), l => l.StartsWith("http_server_request_duration_seconds_count", StringComparison.Ordinal)
            && l.Contains("http_response_status_code=\"500\"", StringComparison.Ordinal));
        Assert.True(factory.Logs.Errors.Count == 0, string.Join(Environment.NewLine, factory.Logs.Errors));
    }
}
