using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LogDapr.Ingest.Tests.Support;

namespace LogDapr.Ingest.Tests.Api;

/// <summary>
/// Everything ingest refuses before publishing: these answers never depend on the sidecar, so it is down here,
/// which also proves none of these requests tried to publish (that would have been a 503).
/// </summary>
public sealed class ValidationApiTests : IDisposable
{
    private readonly IngestFactory factory = IngestFactory.SidecarDown(new Dictionary<string, string>
    {
        ["Ingest:MaxBodyBytes"] = "65536",
        ["Ingest:MaxEventsPerBatch"] = "50",
        ["Ingest:MaxMessageBytes"] = "100",
        ["Ingest:MaxAttributes"] = "2",
    });

    private const string Valid = """{"tenant_id":"acme","service":"api","severity":"info","message":"ok"}""";

    public void Dispose() => factory.Dispose();

    private async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> PostAsync(HttpContent content)
    {
        var response = await factory.CreateClient().PostAsync("/v1/logs", content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null, response);
    }

    private static StringContent Json(string body, string contentType = "application/json")
        => new(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType));

    public static TheoryData<string, string, string> InvalidEvents => new()
    {
        { """{"service":"api","severity":"info","message":"m"}""", "tenant_id", "required" },
        { """{"tenant_id":"-bad","service":"api","severity":"info","message":"m"}""", "tenant_id", "" },
        { """{"tenant_id":7,"service":"api","severity":"info","message":"m"}""", "tenant_id", "string" },
        { """{"tenant_id":"acme","severity":"info","message":"m"}""", "service", "required" },
        { """{"tenant_id":"acme","service":"api","message":"m"}""", "severity", "required" },
        { """{"tenant_id":"acme","service":"api","severity":"loud","message":"m"}""", "severity", "" },
        { """{"tenant_id":"acme","service":"api","severity":25,"message":"m"}""", "severity", "" },
        { """{"tenant_id":"acme","service":"api","severity":"info"}""", "message", "required" },
        { """{"tenant_id":"acme","service":"api","severity":"info","message":"m","timestamp":"2026-11-22"}""", "timestamp", "" },
        { """{"tenant_id":"acme","service":"api","severity":"info","message":"m","timestamp":"2099-01-01T00:00:00Z"}""", "timestamp", "future" },
        { """{"tenant_id":"acme","service":"api","severity":"info","message":"m","trace_id":"xyz"}""", "trace_id", "" },
        { """{"tenant_id":"acme","service":"api","severity":"info","message":"m","span_id":"0000000000000000"}""", "span_id", "" },
        { """{"tenant_id":"acme","service":"api","severity":"info","message":"m","attributes":{"a":"\u0000"}}""", "attributes.a", "U+0000" },
        { """{"tenant_id":"acme","service":"api","severity":"info","message":"m","attributes":{"a":"1","b":"2","c":"3"}}""", "attributes", "Ingest:MaxAttributes" },
        { $$"""{"tenant_id":"acme","service":"api","severity":"info","message":"{{new string('x', 101)}}"}""", "message", "Ingest:MaxMessageBytes" },
        { """{"tenant_id":"acme","service":"api","severity":"info","message":"m","timestamp":"0001-01-01T00:00:00Z"}""", "timestamp", "Ingest:MaxPastAge" },
        { """{"tenant_id":"acme","service":"api","severity":"info","message":"a\u0000b"}""", "message", "U+0000" },
        { """{"tenant_id":"acme","service":"api","severity":"info","message":"m","host":"h\u0000"}""", "host", "control characters" },
        { """{"tenant_id":"acme","service":"api","severity":2.0,"message":"m"}""", "severity", "without fraction or exponent" },
        { """{"tenant_id":"acme","service":"api","severity":1e1,"message":"m"}""", "severity", "without fraction or exponent" },
    };

    [Theory]
    [MemberData(nameof(InvalidEvents))]
    public async Task An_invalid_event_gets_a_400_problem_naming_the_field_and_rule(string body, string field, string messagePart)
    {
        var (status, problem, response) = await PostAsync(Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("https://logdapr.io/problems/invalid-events", problem!["type"]!.GetValue<string>());
        var errors = problem["rejected"]![0]!["errors"]!.AsArray();
        var error = errors.Single(e => e!["field"]!.GetValue<string>() == field);
        Assert.Contains(messagePart, error!["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_batch_where_every_event_is_invalid_lists_each_index()
    {
        var (status, problem, _) = await PostAsync(Json("""[{"tenant_id":"a"},{"service":"b"},{}]"""));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal([0, 1, 2], problem!["rejected"]!.AsArray().Select(r => r!["index"]!.GetValue<int>()));
    }

    [Theory]
    [InlineData("{\"tenant_id\":", "malformed-payload")]
    [InlineData("[1, 2", "malformed-payload")]
    [InlineData("\"just a string\"", "malformed-payload")]
    [InlineData("", "invalid-events")]
    [InlineData("[]", "invalid-events")]
    public async Task Unreadable_payloads_get_a_400_problem(string body, string problemType)
    {
        var (status, problem, _) = await PostAsync(Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.EndsWith(problemType, problem!["type"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413_naming_the_limit()
    {
        var big = "[" + string.Join(',', Enumerable.Repeat(Valid, 1000)) + "]";

        var (status, problem, _) = await PostAsync(Json(big));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("Ingest:MaxBodyBytes", problem!["limit"]!.GetValue<string>());
        Assert.Equal(65536, problem["limitValue"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_gzip_body_is_limited_after_decompression()
    {
        var big = Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat(Valid, 1000)) + "]");
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            await gzip.WriteAsync(big);
        }

        Assert.True(compressed.Length < 65536);
        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");

        var (status, problem, _) = await PostAsync(content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("Ingest:MaxBodyBytes", problem!["limit"]!.GetValue<string>());
    }

    [Fact]
    public async Task More_events_than_the_batch_limit_gets_413_naming_the_limit()
    {
        var (status, problem, _) = await PostAsync(Json("[" + string.Join(',', Enumerable.Repeat(Valid, 51)) + "]"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("Ingest:MaxEventsPerBatch", problem!["limit"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    public async Task Other_media_types_get_415(string contentType)
    {
        var (status, problem, _) = await PostAsync(Json(Valid, contentType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Contains("application/x-ndjson", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/x-ndjson; charset=utf-32")]
    public async Task Bodies_in_a_charset_other_than_utf8_get_415(string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Valid));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        var (status, problem, _) = await PostAsync(content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Contains("utf-8", problem!["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Ten_thousand_invalid_events_get_a_bounded_answer_with_the_first_errors_and_totals_per_field()
    {
        using var limits = IngestFactory.SidecarDown(new Dictionary<string, string> { ["Ingest:MaxRejectedDetails"] = "100" });
        var body = Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Range(0, 10_000).Select(i => i % 2 == 0
            ? """{"tenant_id":"acme","service":"api","severity":"nope","message":"x"}"""
            : """{"tenant_id":"-bad","service":"api","severity":"info","message":"x","attributes":{"":"x"}}""")) + "]");
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            await gzip.WriteAsync(body);
        }

        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        using var response = await limits.CreateClient().PostAsync("/v1/logs", content);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(text.Length < 64 * 1024, $"the answer to {compressed.Length} bytes of gzip is {text.Length} bytes");
        var problem = JsonNode.Parse(text)!;
        Assert.Equal(Enumerable.Range(0, 100), problem["rejected"]!.AsArray().Select(r => r!["index"]!.GetValue<int>()));
        Assert.Equal(10_000, problem["rejected_total"]!.GetValue<int>());
        var byField = problem["rejected_by_field"]!.AsObject();
        Assert.Equal(5_000, byField["severity"]!.GetValue<int>());
        Assert.Equal(5_000, byField["tenant_id"]!.GetValue<int>());
        Assert.Equal(5_000, byField["attributes"]!.GetValue<int>());
    }

    [Fact]
    public async Task Unknown_content_encodings_get_415_and_corrupt_gzip_400()
    {
        var brotli = Json(Valid);
        brotli.Headers.ContentEncoding.Add("br");
        var corrupt = new ByteArrayContent([1, 2, 3, 4, 5]);
        corrupt.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        corrupt.Headers.ContentEncoding.Add("gzip");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await PostAsync(brotli)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(corrupt)).Status);
    }
}
