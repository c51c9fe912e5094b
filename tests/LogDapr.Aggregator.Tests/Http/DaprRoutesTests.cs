using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LogDapr.Aggregator.Tests.Support;

namespace LogDapr.Aggregator.Tests.Http;

/// <summary>
/// The Dapr routes: closed without the sidecar's app token, a retryable answer for any route this app does not
/// serve (daprd drops or acks a 404), and bounded delivery bodies.
/// </summary>
public sealed class DaprRoutesTests
{
    private const string Delivery = """{"specversion":"1.0","id":"m-1","source":"s","type":"t","data":{"tenant_id":"acme","service":"api","severity":"info","message":"x"}}""";

    private static AggregatorApp WithToken(params (string Key, string? Value)[] extra)
        => new(new Dictionary<string, string?>(extra.Select(e => KeyValuePair.Create(e.Key, e.Value))) { ["APP_API_TOKEN"] = AggregatorApp.Token });

    private static HttpRequestMessage Request(HttpMethod method, string path, HttpContent? content = null, string? token = AggregatorApp.Token)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Add("dapr-api-token", token);
        }

        return request;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/cloudevents+json");

    [Theory]
    [InlineData("POST", "/dapr/logs-v2")]
    [InlineData("POST", "/dapr/deadletters")]
    [InlineData("PUT", "/dapr/logs")]
    [InlineData("GET", "/dapr/logs")]
    [InlineData("DELETE", "/dapr/some/deeper/route")]
    [InlineData("PATCH", "/dapr/dead-letters")]
    public async Task A_dapr_route_this_app_does_not_serve_gets_a_retryable_500_not_a_404(string method, string path)
    {
        await using var app = WithToken();
        using var request = Request(new HttpMethod(method), path, method is "GET" or "DELETE" ? null : Json(Delivery));

        using var response = await app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Without_an_app_token_the_delivery_routes_refuse_every_caller()
    {
        await using var app = new AggregatorApp(new Dictionary<string, string?>());

        using var delivery = await app.CreateClient().SendAsync(Request(HttpMethod.Post, "/dapr/logs", Json(Delivery), token: null));
        using var discovery = await app.CreateClient().SendAsync(Request(HttpMethod.Get, "/dapr/subscribe", token: null));

        Assert.Equal(HttpStatusCode.Unauthorized, delivery.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, discovery.StatusCode);
        Assert.Contains(app.Logs, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning && l.Message.Contains("APP_API_TOKEN", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Running_the_routes_open_takes_an_explicit_setting_and_is_logged()
    {
        await using var app = new AggregatorApp(new Dictionary<string, string?> { ["Aggregator:AllowUnauthenticatedDaprRoutes"] = "true" });

        using var discovery = await app.CreateClient().SendAsync(Request(HttpMethod.Get, "/dapr/subscribe", token: null));

        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
        Assert.Contains(app.Logs, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning && l.Message.Contains("AllowUnauthenticatedDaprRoutes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_delivery_with_a_wrong_token_gets_401()
    {
        await using var app = WithToken();

        using var response = await app.CreateClient().SendAsync(Request(HttpMethod.Post, "/dapr/logs", Json(Delivery), token: "forged"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_compressed_delivery_is_refused_before_anything_is_inflated()
    {
        await using var app = WithToken();
        var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            // 64 MiB of zeros: a bomb of a few tens of KB.
            gzip.Write(new byte[64 * 1024 * 1024]);
        }

        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentEncoding.Add("gzip");
        content.Headers.ContentType = new("application/json");

        using var response = await app.CreateClient().SendAsync(Request(HttpMethod.Post, "/dapr/logs", content));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task A_delivery_larger_than_the_limit_gets_413_naming_the_setting()
    {
        await using var app = WithToken(("Aggregator:MaxDeliveryBytes", "1048576"));
        var body = "{\"entries\":[" + string.Join(',', Enumerable.Repeat("{\"entryId\":\"e\",\"event\":" + Delivery + "}", 10_000)) + "]}";

        using var response = await app.CreateClient().SendAsync(Request(HttpMethod.Post, "/dapr/logs", Json(body)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Aggregator:MaxDeliveryBytes", problem["limit"]!.GetValue<string>());
    }
}
