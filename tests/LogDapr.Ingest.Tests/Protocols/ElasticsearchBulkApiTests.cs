using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Transport;
using HttpMethod = System.Net.Http.HttpMethod;
using LogDapr.Ingest.Tests.Support;

namespace LogDapr.Ingest.Tests.Protocols;

/// <summary>
/// The Elasticsearch bulk API through a real sidecar, spoken by the official .NET client (Elastic.Clients.Elasticsearch),
/// with API keys; answered as Elasticsearch answers, so shippers retry only what failed.
/// </summary>
public sealed class ElasticsearchBulkApiTests : IClassFixture<SidecarFixture>, IDisposable
{
    private readonly KeyDirectory keys = new();
    private readonly SidecarFixture sidecar;
    private readonly IngestFactory factory;
    private readonly Uri server;
    private readonly string acme;
    private readonly string admin;
    private readonly string readOnly;

    public ElasticsearchBulkApiTests(SidecarFixture sidecar)
    {
        this.sidecar = sidecar;
        acme = keys.Add("acme");
        admin = keys.Add("_admin");
        readOnly = keys.Add("acme", "roles=read");
        factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string>
        {
            ["Auth:Enabled"] = "true",
            ["Auth:KeysPath"] = keys.Path,
            // One event per message: the sidecar's published count is the count of events.
            ["Ingest:EventsPerMessage"] = "1",
        });
        server = factory.StartOnKestrel();
    }

    public void Dispose()
    {
        factory.Dispose();
        keys.Dispose();
    }

    private ElasticsearchClient Client(string key)
        => new(new ElasticsearchClientSettings(server).Authentication(new BasicAuthentication("filebeat", key)));

    private static JsonObject Doc(string message, string level = "error") => new()
    {
        ["@timestamp"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["message"] = message,
        ["log"] = new JsonObject { ["level"] = level },
        ["service"] = new JsonObject { ["name"] = "checkout" },
    };

    private async Task<string> StatsAsync()
    {
        using var http = new HttpClient();
        return (await http.GetStringAsync(new Uri(server, "/v1/stats"))).Replace(" ", "", StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> RawAsync(HttpMethod method, string path, string? body, string? key, string contentType = "application/x-ndjson")
    {
        using var request = new HttpRequestMessage(method, new Uri(server, path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType));
        }

        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var http = new HttpClient();
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task The_official_client_bulk_indexes_ecs_documents_counted_once_each_with_201_per_item()
    {
        var before = await sidecar.PublishedAsync("logs");

        var response = await Client(acme).BulkAsync(new BulkRequest("logs-checkout-acme")
        {
            Operations = new BulkOperationsCollection
            {
                new BulkIndexOperation<JsonObject>(Doc("payment failed")) { Id = "a-1" },
                new BulkCreateOperation<JsonObject>(Doc("payment retried", "warn")) { Id = "a-2" },
                new BulkIndexOperation<JsonObject>(Doc("paid", "info")),
            },
        });

        Assert.True(response.IsValidResponse, response.DebugInformation);
        Assert.False(response.Errors);
        Assert.Equal([201, 201, 201], response.Items.Select(i => i.Status));
        Assert.Equal(["created", "created", "created"], response.Items.Select(i => i.Result));
        Assert.Equal(["a-1", "a-2", null], response.Items.Select(i => i.Id));
        Assert.Equal(before + 3, await sidecar.PublishedAsync("logs"));
        Assert.Contains("\"events_accepted\":3", await StatsAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_invalid_document_among_valid_ones_gives_errors_true_with_its_error_and_the_others_are_accepted()
    {
        var before = await sidecar.PublishedAsync("logs");
        var bad = Doc("bad level");
        bad["log"] = new JsonObject { ["level"] = "loud" };

        var response = await Client(acme).BulkAsync(new BulkRequest("app")
        {
            Operations = new BulkOperationsCollection
            {
                new BulkIndexOperation<JsonObject>(Doc("one")),
                new BulkIndexOperation<JsonObject>(bad),
                new BulkIndexOperation<string>("not an object"),
                new BulkDeleteOperation("gone"),
                new BulkIndexOperation<JsonObject>(Doc("two")),
            },
        });

        var items = response.Items.ToList();
        Assert.True(response.Errors);
        Assert.Equal([201, 400, 400, 400, 201], items.Select(i => i.Status));
        Assert.Equal("document_parsing_exception", items[1].Error!.Type);
        Assert.Contains("log.level", items[1].Error!.Reason, StringComparison.Ordinal);
        Assert.Contains("must be a JSON object", items[2].Error!.Reason, StringComparison.Ordinal);
        Assert.Equal("illegal_argument_exception", items[3].Error!.Type);
        Assert.Equal("delete", items[3].Operation);
        Assert.Equal(before + 2, await sidecar.PublishedAsync("logs"));
    }

    [Fact]
    public async Task A_tenant_key_cannot_write_another_tenants_data_stream_each_such_item_gets_403()
    {
        var before = await sidecar.PublishedAsync("logs");

        var response = await Client(acme).BulkAsync(new BulkRequest
        {
            Operations = new BulkOperationsCollection
            {
                new BulkIndexOperation<JsonObject>(Doc("mine"), "logs-checkout-acme"),
                new BulkIndexOperation<JsonObject>(Doc("theirs"), "logs-checkout-globex"),
            },
        });
        var adminResponse = await Client(admin).BulkAsync(new BulkRequest("logs-checkout-globex")
        {
            Operations = new BulkOperationsCollection { new BulkIndexOperation<JsonObject>(Doc("any tenant")) },
        });

        Assert.Equal([201, 403], response.Items.Select(i => i.Status));
        Assert.Equal("security_exception", response.Items.Last().Error!.Type);
        Assert.False(adminResponse.Errors);
        Assert.Equal(before + 2, await sidecar.PublishedAsync("logs"));
    }

    [Fact]
    public async Task The_version_probe_works_for_the_client_and_carries_the_product_header()
    {
        var info = await Client(acme).InfoAsync();
        using var head = await RawAsync(HttpMethod.Head, "/", null, acme);
        using var license = await RawAsync(HttpMethod.Get, "/_license", null, readOnly);
        using var health = await RawAsync(HttpMethod.Get, "/_cluster/health", null, acme);

        Assert.True(info.IsValidResponse, info.DebugInformation);
        Assert.StartsWith("8.", info.Version.Number, StringComparison.Ordinal);
        Assert.Equal("You Know, for Search", info.Tagline);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("Elasticsearch", head.Headers.GetValues("X-Elastic-Product").Single());
        Assert.Contains("\"status\":\"active\"", await license.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("\"status\":\"green\"", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_valid_key_every_route_answers_401_in_elasticsearchs_shape_with_its_challenge()
    {
        foreach (var (method, path, key) in new[] { (HttpMethod.Get, "/", (string?)null), (HttpMethod.Post, "/_bulk", "ldk_wrong"), (HttpMethod.Post, "/app/_bulk", null) })
        {
            using var response = await RawAsync(method, path, method == HttpMethod.Post ? "{\"index\":{}}\n{\"message\":\"m\"}\n" : null, key);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
            Assert.Equal("Elasticsearch", response.Headers.GetValues("X-Elastic-Product").Single());
            Assert.Equal("security_exception", body["error"]!["type"]!.GetValue<string>());
            Assert.Equal(401, body["status"]!.GetValue<int>());
        }

        var client = Client("ldk_wrong");
        Assert.Equal(401, (await client.InfoAsync()).ApiCallDetails.HttpStatusCode);
    }

    [Fact]
    public async Task A_read_only_key_may_probe_but_not_write()
    {
        using var response = await RawAsync(HttpMethod.Post, "/_bulk", "{\"index\":{\"_index\":\"app\"}}\n{\"message\":\"m\"}\n", readOnly);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("security_exception", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True((await Client(readOnly).InfoAsync()).IsValidResponse);
    }

    [Fact]
    public async Task Elasticsearchs_own_api_key_header_and_x_api_key_authenticate_too()
    {
        var esApiKey = Convert.ToBase64String(Encoding.UTF8.GetBytes("filebeat-id:" + acme));
        var client = new ElasticsearchClient(new ElasticsearchClientSettings(server).Authentication(new ApiKey(esApiKey)));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, "/"));
        request.Headers.Add("X-API-Key", acme);
        using var http = new HttpClient();

        Assert.True((await client.InfoAsync()).IsValidResponse);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_gzipped_bulk_with_the_index_in_the_url_is_accepted()
    {
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes("{\"index\":{}}\n{\"message\":\"zipped\"}\n"));
        }

        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-ndjson");
        content.Headers.ContentEncoding.Add("gzip");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/fluent-bit/_bulk")) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", acme);
        using var http = new HttpClient();
        using var response = await http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(body["errors"]!.GetValue<bool>());
        Assert.Equal("fluent-bit", body["items"]![0]!["index"]!["_index"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("text/plain", "{\"index\":{\"_index\":\"a\"}}\n{\"message\":\"m\"}\n", 406, "media_type_header_exception")]
    [InlineData("application/x-ndjson", "not json\n", 400, "illegal_argument_exception")]
    [InlineData("application/x-ndjson", "", 400, "action_request_validation_exception")]
    public async Task A_bulk_that_cannot_be_read_is_refused_whole_in_elasticsearchs_error_shape(string contentType, string body, int status, string type)
    {
        var before = await sidecar.PublishedAsync("logs");

        using var response = await RawAsync(HttpMethod.Post, "/_bulk", body, acme, contentType);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(type, error["error"]!["type"]!.GetValue<string>());
        Assert.Equal(type, error["error"]!["root_cause"]![0]!["type"]!.GetValue<string>());
        Assert.Equal(before, await sidecar.PublishedAsync("logs"));
    }

    [Fact]
    public async Task A_bulk_resent_with_its_idempotency_key_is_answered_item_by_item_again_and_published_once()
    {
        const string Body = "{\"index\":{\"_index\":\"app\"}}\n{\"message\":\"kept\"}\n{\"index\":{\"_index\":\"app\"}}\n{\"message\":\"m\",\"level\":\"loud\"}\n";
        var key = Guid.NewGuid().ToString();
        var before = await sidecar.PublishedAsync("logs");

        async Task<string> SendAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/_bulk"))
            {
                Content = new StringContent(Body, Encoding.UTF8, MediaTypeHeaderValue.Parse("application/x-ndjson")),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", acme);
            request.Headers.Add("Idempotency-Key", key);
            using var http = new HttpClient();
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var items = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["items"]!.AsArray();
            return string.Join(",", items.Select(i => i!["index"]!["status"]!.GetValue<int>()));
        }

        Assert.Equal("201,400", await SendAsync());
        Assert.Equal("201,400", await SendAsync());
        Assert.Equal(before + 1, await sidecar.PublishedAsync("logs"));
    }

    [Fact]
    public async Task An_invalid_idempotency_key_and_an_unknown_content_encoding_are_refused()
    {
        using var keyRequest = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/_bulk"))
        {
            Content = new StringContent("{\"index\":{\"_index\":\"a\"}}\n{\"message\":\"m\"}\n", Encoding.UTF8, MediaTypeHeaderValue.Parse("application/x-ndjson")),
        };
        keyRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", acme);
        keyRequest.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', 256));
        var encoded = new ByteArrayContent([1, 2, 3]);
        encoded.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-ndjson");
        encoded.Headers.ContentEncoding.Add("br");
        using var encodingRequest = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/_bulk")) { Content = encoded };
        encodingRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", acme);
        using var http = new HttpClient();

        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(keyRequest)).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await http.SendAsync(encodingRequest)).StatusCode);
    }

    [Fact]
    public async Task Random_bytes_and_random_bulks_never_get_a_5xx_but_the_retryable_503()
    {
        using var http = new HttpClient();
        var field = Gen.String[Gen.Char["abc.@_ "], 0, 6];
        var value = Gen.OneOf(Gen.String.Select(s => JsonValue.Create(s)!.ToJsonString()), Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Gen.Const("null"), Gen.Const("{}"), Gen.Const("[1,{\"a\":2}]"));
        var document = Gen.Select(field, value, field, value, (a, x, b, y) => $"{{{JsonValue.Create(a)!.ToJsonString()}:{x},{JsonValue.Create(b)!.ToJsonString()}:{y},\"message\":\"m\"}}");
        var action = Gen.Select(Gen.OneOf(Gen.Const("index"), Gen.Const("create"), Gen.Const("delete"), Gen.Const("update"), Gen.Const("other")), Gen.String[Gen.Char["abcA-_*."], 0, 8], Gen.String[0, 4],
            (a, index, id) => $"{{\"{a}\":{{\"_index\":{JsonValue.Create(index)!.ToJsonString()},\"_id\":{JsonValue.Create(id)!.ToJsonString()}}}}}");
        var line = Gen.OneOf(action, document, Gen.String, Gen.Const(""));
        var gen = Gen.OneOf(
            Gen.Byte.Array[0, 300].Select(b => Encoding.UTF8.GetString(b)),
            line.Array[0, 12].Select(lines => string.Join('\n', lines)),
            Gen.Select(action, document).Array[1, 6].Select(items => string.Join('\n', items.Select(i => i.Item1 + "\n" + i.Item2)) + "\n"));

        await gen.SampleAsync(async body =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/_bulk"))
            {
                Content = new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse("application/x-ndjson")),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", acme);
            using var response = await http.SendAsync(request);
            // The one 5xx by design is the retryable 503 (publish not confirmed), always with Retry-After.
            var retryable = response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null;
            Assert.True((int)response.StatusCode < 500 || retryable, $"{response.StatusCode} for {body}: {await response.Content.ReadAsStringAsync()}");
            Assert.True(response.Headers.Contains("X-Elastic-Product"));
        }, iter: 150);
    }
}
