using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using LogDapr.Ingest.Tests.Support;

namespace LogDapr.Ingest.Tests.Api;

/// <summary>Ingest publishing through a real development sidecar: what it answers 202 for is on the topic.</summary>
public sealed class PublishApiTests : IClassFixture<SidecarFixture>, IDisposable
{
    private const string Valid = """{"tenant_id":"acme","service":"api","severity":"info","message":"ok"}""";
    private readonly SidecarFixture sidecar;
    private readonly IngestFactory factory;

    public PublishApiTests(SidecarFixture sidecar)
    {
        this.sidecar = sidecar;
        factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string> { ["Ingest:EventsPerMessage"] = "10" });
    }

    public void Dispose() => factory.Dispose();

    private async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(HttpContent content)
    {
        using var response = await factory.CreateClient().PostAsync("/v1/logs", content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    private static StringContent Content(string body, string type = "application/json") => new(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(type));

    public static TheoryData<string, string, int> Shapes => new()
    {
        { Valid, "application/json", 1 },
        { $"[{Valid},{Valid},{Valid}]", "application/json", 3 },
        { $"{{\"events\":[{Valid},{Valid}]}}", "application/json", 2 },
        { $"{Valid}\n\n{Valid}\r\n{Valid}\n", "application/x-ndjson", 3 },
        { $"[{Valid}]", "application/json; charset=utf-8", 1 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Every_accepted_shape_is_published_before_the_202(string body, string contentType, int events)
    {
        var before = await sidecar.PublishedAsync("logs");

        var (status, response) = await PostAsync(Content(body, contentType));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(events, response!["accepted"]!.GetValue<int>());
        Assert.Empty(response["rejected"]!.AsArray());
        Assert.Equal(before + 1, await sidecar.PublishedAsync("logs"));
    }

    [Fact]
    public async Task A_large_batch_is_bulk_published_as_several_messages()
    {
        var before = await sidecar.PublishedAsync("logs");

        var (status, response) = await PostAsync(Content("[" + string.Join(',', Enumerable.Repeat(Valid, 95)) + "]"));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(95, response!["accepted"]!.GetValue<int>());
        Assert.Equal(before + 10, await sidecar.PublishedAsync("logs"));
    }

    [Fact]
    public async Task Concurrent_single_event_requests_sharing_publish_calls_each_get_their_own_answer()
    {
        // Room for all 200 at once, so none is turned away by backpressure.
        using var roomy = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string> { ["Ingest:MaxConcurrentRequests"] = "256" });
        var client = roomy.CreateClient();
        var before = await sidecar.PublishedAsync("logs");

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await client.PostAsync("/v1/logs", Content(Valid));
            return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
        }));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        Assert.All(answers, a => Assert.Equal(1, a.Item2!["accepted"]!.GetValue<int>()));
        Assert.Equal(before + 200, await sidecar.PublishedAsync("logs"));
    }

    [Fact]
    public async Task Gzip_bodies_are_accepted()
    {
        using var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes($"[{Valid},{Valid}]"));
        }

        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");

        var (status, response) = await PostAsync(content);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(2, response!["accepted"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_partly_invalid_batch_accepts_the_valid_events_and_lists_each_rejected_index()
    {
        var body = $$"""[{{Valid}},{"tenant_id":"acme","service":"api","severity":"nope","message":"x"},{{Valid}},{"service":"api"},{{Valid}}]""";

        var (status, response) = await PostAsync(Content(body));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(3, response!["accepted"]!.GetValue<int>());
        var rejected = response["rejected"]!.AsArray();
        Assert.Equal([1, 3], rejected.Select(r => r!["index"]!.GetValue<int>()));
        Assert.Equal("severity", rejected[0]!["errors"]![0]!["field"]!.GetValue<string>());
        Assert.Contains(rejected[1]!["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == "tenant_id");
    }

    [Fact]
    public void Random_bytes_never_get_a_5xx()
    {
        var client = factory.CreateClient();
        Gen.Byte.Array[0, 600].Sample(bytes =>
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue(bytes.Length % 2 == 0 ? "application/json" : "application/x-ndjson");
            using var response = client.PostAsync("/v1/logs", content).GetAwaiter().GetResult();
            return (int)response.StatusCode < 500;
        }, iter: 300);
    }

    private static readonly string[] Likely = ["acme", "info", "ERROR", "syslog:3", "17", "2026-11-22T10:00:00Z", ""];
    private static readonly string[] Fields = ["tenant_id", "service", "severity", "message", "timestamp", "attributes", "trace_id", "span_id", "host", "id", "events", "x"];

    [Fact]
    public void Random_json_and_event_like_documents_never_get_a_5xx()
    {
        var client = factory.CreateClient();
        var scalar = Gen.OneOf(
            Gen.String.Select(s => (JsonNode?)JsonValue.Create(s)),
            Gen.Long.Select(n => (JsonNode?)JsonValue.Create(n)),
            Gen.Double.Select(d => double.IsFinite(d) ? (JsonNode?)JsonValue.Create(d) : null),
            Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
            Gen.Const((JsonNode?)null),
            Gen.Int[0, Likely.Length - 1].Select(i => (JsonNode?)JsonValue.Create(Likely[i])));
        var fields = Gen.Int[0, Fields.Length - 1].Select(i => Fields[i]);
        var eventLike = Gen.Select(fields, scalar, (key, value) => (Key: key, Value: value)).List[0, 10].Select(pairs =>
        {
            var obj = new JsonObject();
            foreach (var pair in pairs)
            {
                obj[pair.Key] = pair.Value?.DeepClone();
            }

            return (JsonNode)obj;
        });
        var document = Gen.OneOf(
            eventLike,
            eventLike.List[0, 5].Select(items => (JsonNode)new JsonArray([.. items])),
            eventLike.List[0, 5].Select(items => (JsonNode)new JsonObject { ["events"] = new JsonArray([.. items]) }),
            scalar.Select(s => s ?? JsonValue.Create("null")!));

        document.Sample(doc =>
        {
            using var response = client.PostAsync("/v1/logs", Content(doc.ToJsonString())).GetAwaiter().GetResult();
            return (int)response.StatusCode < 500;
        }, iter: 300);
    }
}
