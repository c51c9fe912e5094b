using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LogDapr.Aggregator.Enrichment;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.Configuration.Pipeline;
using LogDapr.Processing.Enrichment;
using LogDapr.TestSupport;
using Npgsql;

namespace LogDapr.Aggregator.Tests.Enrichment;

/// <summary>
/// The metadata CRUD API on the counter's query API: writes land in Postgres through the binding and in the state
/// store; every bad request is a ProblemDetails 4xx that writes nothing.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MetadataApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    private MetadataApiHost host = null!;

    public async Task InitializeAsync() => host = await MetadataApiHost.StartAsync(postgres);

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Put_get_list_and_delete_keep_Postgres_and_the_state_store_in_step()
    {
        using var admin = host.Client(host.Admin);

        using (var created = await admin.PutAsync("/v1/metadata/host/web-1", Json("""{"attributes":{"region":"eu-west-1","rack":"r7"}}""")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal("/v1/metadata/host/web-1", created.Headers.Location?.OriginalString);
            var body = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
            Assert.Equal("eu-west-1", body["attributes"]!["region"]!.GetValue<string>());
        }

        Assert.Equal("r7", (await GetJsonAsync(admin, "/v1/metadata/host/web-1"))["attributes"]!["rack"]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string> { ["region"] = "eu-west-1", ["rack"] = "r7" }, await StateAsync(MetadataKind.Host, "web-1"));

        using (var replaced = await admin.PutAsync("/v1/metadata/host/web-1", Json("""{"attributes":{"region":"us-east-2"}}""")))
        {
            Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        }

        var after = await GetJsonAsync(admin, "/v1/metadata/host/web-1");
        Assert.Equal("""{"region":"us-east-2"}""", after["attributes"]!.ToJsonString());
        Assert.Equal(new Dictionary<string, string> { ["region"] = "us-east-2" }, await StateAsync(MetadataKind.Host, "web-1"));
        Assert.Equal("us-east-2", JsonNode.Parse((await ScalarAsync("SELECT attributes::text FROM logdapr.enrichment_metadata WHERE kind = 'host' AND name = 'web-1'"))!)!["region"]!.GetValue<string>());

        // A service of the same name is another row.
        using (var service = await admin.PutAsync("/v1/metadata/service/web-1", Json("""{"attributes":{}}""")))
        {
            Assert.Equal(HttpStatusCode.Created, service.StatusCode);
        }

        foreach (var name in new[] { "web-3", "web-2", "web 4/ä" })
        {
            using var response = await admin.PutAsync($"/v1/metadata/host/{Uri.EscapeDataString(name)}", Json("""{"attributes":{"a":"b"}}"""));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var names = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await GetJsonAsync(admin, "/v1/metadata/host?limit=2" + (cursor is null ? "" : "&cursor=" + cursor));
            names.AddRange(page["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));
            cursor = page["next_cursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null && pages < 10);
        Assert.Equal(["web 4/ä", "web-1", "web-2", "web-3"], names);

        using (var deleted = await admin.DeleteAsync("/v1/metadata/host/web-1"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Null(await StateAsync(MetadataKind.Host, "web-1"));
        using (var gone = await admin.GetAsync("/v1/metadata/host/web-1"))
        {
            await AssertProblemAsync(gone, HttpStatusCode.NotFound);
        }

        using (var again = await admin.DeleteAsync("/v1/metadata/host/web-1"))
        {
            await AssertProblemAsync(again, HttpStatusCode.NotFound);
        }

        Assert.Equal("1", await ScalarAsync("SELECT count(*)::text FROM logdapr.enrichment_metadata WHERE kind = 'service'"));
    }

    [Fact]
    public async Task Every_bad_request_is_a_problem_and_writes_nothing()
    {
        using var admin = host.Client(host.Admin);
        var tooMany = "{\"attributes\":{" + string.Join(",", Enumerable.Range(0, MetadataLimits.MaxAttributes + 1).Select(i => $"\"k{i}\":\"v\"")) + "}}";
        var cases = new (string What, Func<Task<HttpResponseMessage>> Send, HttpStatusCode Status)[]
        {
            ("unknown kind (PUT)", () => admin.PutAsync("/v1/metadata/pod/a", Json("""{"attributes":{}}""")), HttpStatusCode.BadRequest),
            ("unknown kind (GET)", () => admin.GetAsync("/v1/metadata/Host/a"), HttpStatusCode.BadRequest),
            ("unknown kind (list)", () => admin.GetAsync("/v1/metadata/hosts"), HttpStatusCode.BadRequest),
            ("unknown kind (DELETE)", () => admin.DeleteAsync("/v1/metadata/pod/a"), HttpStatusCode.BadRequest),
            ("name over 255", () => admin.PutAsync("/v1/metadata/host/" + new string('n', 256), Json("""{"attributes":{}}""")), HttpStatusCode.BadRequest),
            ("name over 255 (GET)", () => admin.GetAsync("/v1/metadata/host/" + new string('n', 256)), HttpStatusCode.BadRequest),
            ("malformed JSON", () => admin.PutAsync("/v1/metadata/host/a", Json("{\"attributes\":{")), HttpStatusCode.BadRequest),
            ("empty body", () => admin.PutAsync("/v1/metadata/host/a", Json("")), HttpStatusCode.BadRequest),
            ("not an object", () => admin.PutAsync("/v1/metadata/host/a", Json("[1]")), HttpStatusCode.BadRequest),
            ("attributes missing", () => admin.PutAsync("/v1/metadata/host/a", Json("{}")), HttpStatusCode.BadRequest),
            ("unknown member", () => admin.PutAsync("/v1/metadata/host/a", Json("""{"attributes":{},"ttl":5}""")), HttpStatusCode.BadRequest),
            ("attributes not an object", () => admin.PutAsync("/v1/metadata/host/a", Json("""{"attributes":["a"]}""")), HttpStatusCode.BadRequest),
            ("number value", () => admin.PutAsync("/v1/metadata/host/a", Json("""{"attributes":{"cpu":4}}""")), HttpStatusCode.BadRequest),
            ("duplicate key", () => admin.PutAsync("/v1/metadata/host/a", Json("""{"attributes":{"a":"1","a":"2"}}""")), HttpStatusCode.BadRequest),
            ("33 attributes", () => admin.PutAsync("/v1/metadata/host/a", Json(tooMany)), HttpStatusCode.BadRequest),
            ("empty key", () => admin.PutAsync("/v1/metadata/host/a", Json("""{"attributes":{"":"v"}}""")), HttpStatusCode.BadRequest),
            ("key over 64", () => admin.PutAsync("/v1/metadata/host/a", Json("{\"attributes\":{\"" + new string('k', 65) + "\":\"v\"}}")), HttpStatusCode.BadRequest),
            ("value over 256", () => admin.PutAsync("/v1/metadata/host/a", Json("{\"attributes\":{\"k\":\"" + new string('v', 257) + "\"}}")), HttpStatusCode.BadRequest),
            ("value with NUL", () => admin.PutAsync("/v1/metadata/host/a", Json("""{"attributes":{"k":"a\u0000b"}}""")), HttpStatusCode.BadRequest),
            ("body over 64 KiB", () => admin.PutAsync("/v1/metadata/host/a", Json("{\"attributes\":{\"k\":\"" + new string('v', 70_000) + "\"}}")), HttpStatusCode.RequestEntityTooLarge),
            ("gzip body", () => admin.PutAsync("/v1/metadata/host/a", Gzipped()), HttpStatusCode.UnsupportedMediaType),
            ("limit 0", () => admin.GetAsync("/v1/metadata/host?limit=0"), HttpStatusCode.BadRequest),
            ("limit over 1000", () => admin.GetAsync("/v1/metadata/host?limit=1001"), HttpStatusCode.BadRequest),
            ("cursor not base64url", () => admin.GetAsync("/v1/metadata/host?cursor=%21%21"), HttpStatusCode.BadRequest),
            ("cursor of a name with NUL", () => admin.GetAsync("/v1/metadata/host?cursor=YQBi"), HttpStatusCode.BadRequest),
            ("missing row (GET)", () => admin.GetAsync("/v1/metadata/service/nobody"), HttpStatusCode.NotFound),
            ("missing row (DELETE)", () => admin.DeleteAsync("/v1/metadata/service/nobody"), HttpStatusCode.NotFound),
        };

        foreach (var (what, send, status) in cases)
        {
            using var response = await send();
            Assert.True(response.StatusCode == status, $"{what}: expected {(int)status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            await AssertProblemAsync(response, status);
        }

        Assert.Equal("0", await ScalarAsync("SELECT count(*)::text FROM logdapr.enrichment_metadata"));
    }

    [Fact]
    public async Task Only_an_admin_key_reaches_the_metadata()
    {
        using var anonymous = host.Client(null);
        using var tenant = host.Client(host.Acme);
        foreach (var (client, status) in new[] { (anonymous, HttpStatusCode.Unauthorized), (tenant, HttpStatusCode.Forbidden) })
        {
            using var put = await client.PutAsync("/v1/metadata/host/a", Json("""{"attributes":{"a":"b"}}"""));
            await AssertProblemAsync(put, status);
            using var get = await client.GetAsync("/v1/metadata/host/a");
            await AssertProblemAsync(get, status);
            using var list = await client.GetAsync("/v1/metadata/host");
            await AssertProblemAsync(list, status);
            using var delete = await client.DeleteAsync("/v1/metadata/host/a");
            await AssertProblemAsync(delete, status);
        }

        Assert.Equal("0", await ScalarAsync("SELECT count(*)::text FROM logdapr.enrichment_metadata"));
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static ByteArrayContent Gzipped()
    {
        var content = new ByteArrayContent([0x1f, 0x8b, 0, 0]);
        content.Headers.ContentEncoding.Add("gzip");
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    private static async Task<JsonNode> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
    }

    private async Task<Dictionary<string, string>?> StateAsync(MetadataKind kind, string name)
    {
        var entry = await host.Sidecar.Client.GetStateAsync<MetadataStateEntry>(PipelineDefaults.EnrichmentStateStoreComponent, MetadataStateEntry.Key(new MetadataKey(kind, name)));
        return entry?.Attributes;
    }

    private async Task<string?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string?)await command.ExecuteScalarAsync();
    }
}
