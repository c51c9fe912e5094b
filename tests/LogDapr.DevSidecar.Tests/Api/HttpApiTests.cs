using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using LogDapr.DevSidecar.Tests.Support;

namespace LogDapr.DevSidecar.Tests.Api;

/// <summary>The HTTP API as daprd v1.16 answers it (what the JavaScript SDK and curl users see).</summary>
public sealed class HttpApiTests : IAsyncLifetime
{
    private readonly TempDir dir = new();
    private readonly string secretVariable = "DS_HTTP_SECRET_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
    private TestSidecar sidecar = null!;

    private HttpClient Http => sidecar.Http;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(secretVariable, "from-env");
        dir.Write("res/components.yaml", string.Join("\n---\n", Yaml.PubSubComponent(), Yaml.StateComponent(), """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: env
            spec:
              type: secretstores.local.env
              version: v1
              metadata: []
            """));
        sidecar = await TestSidecar.StartAsync(Path.Combine(dir.Path, "res"), dir.Sub("data"));
    }

    public async Task DisposeAsync()
    {
        await sidecar.DisposeAsync();
        Environment.SetEnvironmentVariable(secretVariable, null);
        dir.Dispose();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonObject> ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(code, (string?)body["errorCode"]);
        return body;
    }

    [Fact]
    public async Task Bulk_publish_matches_field_names_case_insensitively_as_go_does()
    {
        using var response = await Http.PostAsync($"/v1.0-alpha1/publish/bulk/{Yaml.PubSub}/cased",
            Json("""[{"entryID":"1","Event":{"n":1},"ContentType":"application/json"},{"ENTRYID":"2","event":"two","contentType":"text/plain"}]"""));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(2, await sidecar.CounterAsync("cased", "published"));

        using var missing = await Http.PostAsync($"/v1.0-alpha1/publish/bulk/{Yaml.PubSub}/cased", Json("""[{"event":{"n":1},"contentType":"application/json"}]"""));
        var error = await ErrorAsync(missing, HttpStatusCode.BadRequest, "ERR_PUBSUB_EVENTS_SER");
        Assert.Equal($"error marshaling events to bytes for topic cased pubsub {Yaml.PubSub}. error: entryId is duplicated or not present for entry", (string?)error["message"]);
    }

    [Fact]
    public async Task Payload_keys_differing_only_in_case_are_kept_as_go_keeps_them()
    {
        using var response = await Http.PostAsync($"/v1.0-alpha1/publish/bulk/{Yaml.PubSub}/cases",
            Json("""[{"entryId":"1","event":{"host":"a","Host":"b"},"contentType":"application/json"}]"""));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using var save = await Http.PostAsync($"/v1.0/state/{Yaml.Store}", Json("""[{"key":"cases","value":{"id":1,"ID":2}}]"""));
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        Assert.Equal("""{"ID":2,"id":1}""", await Http.GetStringAsync($"/v1.0/state/{Yaml.Store}/cases"));
    }

    [Fact]
    public async Task An_empty_topic_gets_daprds_error_body()
    {
        using var response = await Http.PostAsync($"/v1.0/publish/{Yaml.PubSub}/", Json("{}"));
        var body = await ErrorAsync(response, HttpStatusCode.NotFound, "ERR_TOPIC_NAME_EMPTY");
        Assert.Equal($"topic is empty in pubsub {Yaml.PubSub}", (string?)body["message"]);
        var info = body["details"]!.AsArray().Single(d => (string?)d!["@type"] == "type.googleapis.com/google.rpc.ErrorInfo")!;
        Assert.Equal("DAPR_PUBSUB_TOPIC_NAME_EMPTY", (string?)info["reason"]);

        using var unknown = await Http.PostAsync("/v1.0/publish/nope/topic", Json("{}"));
        await ErrorAsync(unknown, HttpStatusCode.NotFound, "ERR_PUBSUB_NOT_FOUND");

        using var noSlash = await Http.PostAsync($"/v1.0/publish/{Yaml.PubSub}", Json("{}"));
        await ErrorAsync(noSlash, HttpStatusCode.NotFound, "ERR_DIRECT_INVOKE");
    }

    [Fact]
    public async Task State_transactions_are_served_because_metadata_advertises_them()
    {
        var metadata = (await Http.GetFromJsonAsync<JsonObject>("/v1.0/metadata"))!;
        Assert.Contains("TRANSACTIONAL", metadata["components"]!.AsArray().Single(c => (string?)c!["name"] == Yaml.Store)!["capabilities"]!.AsArray().Select(x => (string?)x));

        using var save = await Http.PostAsync($"/v1.0/state/{Yaml.Store}", Json("""[{"key":"a","value":{"v":1}},{"Key":"b","Value":"two"}]"""));
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        using var tx = await Http.PostAsync($"/v1.0/state/{Yaml.Store}/transaction",
            Json("""{"operations":[{"operation":"upsert","request":{"key":"c","value":3}},{"operation":"delete","request":{"key":"a"}}]}"""));
        Assert.Equal(HttpStatusCode.NoContent, tx.StatusCode);

        using var bulk = await Http.PostAsync($"/v1.0/state/{Yaml.Store}/bulk", Json("""{"keys":["a","b","c"]}"""));
        var items = JsonNode.Parse(await bulk.Content.ReadAsStringAsync())!.AsArray();
        Assert.Null(items.Single(i => (string?)i!["key"] == "a")!["data"]);
        Assert.Equal("two", (string?)items.Single(i => (string?)i!["key"] == "b")!["data"]);
        Assert.Equal(3, (int?)items.Single(i => (string?)i!["key"] == "c")!["data"]);

        using var badOp = await Http.PostAsync($"/v1.0/state/{Yaml.Store}/transaction", Json("""{"operations":[{"operation":"merge","request":{"key":"c"}}]}"""));
        await ErrorAsync(badOp, HttpStatusCode.BadRequest, "ERR_NOT_SUPPORTED_STATE_OPERATION");
    }

    [Fact]
    public async Task State_values_are_stored_as_go_re_encodes_them()
    {
        using var save = await Http.PostAsync($"/v1.0/state/{Yaml.Store}", Json("""[{"key":"go","value":{"b":1,"a":1.50,"c":"<x>"}}]"""));
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        Assert.Equal("""{"a":1.5,"b":1,"c":"\u003cx\u003e"}""", await Http.GetStringAsync($"/v1.0/state/{Yaml.Store}/go"));
    }

    [Fact]
    public async Task State_errors_carry_daprds_status_code_and_text()
    {
        using var first = await Http.PostAsync($"/v1.0/state/{Yaml.Store}", Json("""[{"key":"occ","value":1}]"""));
        using var stale = await Http.PostAsync($"/v1.0/state/{Yaml.Store}", Json("""[{"key":"occ","value":2,"etag":"99"}]"""));
        var body = await ErrorAsync(stale, HttpStatusCode.Conflict, "ERR_STATE_SAVE");
        Assert.StartsWith($"failed saving state in state store {Yaml.Store}: possible etag mismatch. error from state store", (string?)body["message"]);

        using var noKey = await Http.PostAsync($"/v1.0/state/{Yaml.Store}", Json("""[{"value":2}]"""));
        Assert.Equal("\"key\" is a required field", (string?)(await ErrorAsync(noKey, HttpStatusCode.BadRequest, "ERR_MALFORMED_REQUEST"))["message"]);

        using var unknown = await Http.GetAsync("/v1.0/state/nope/k");
        await ErrorAsync(unknown, HttpStatusCode.BadRequest, "ERR_STATE_STORE_NOT_FOUND");

        using var absent = await Http.GetAsync($"/v1.0/state/{Yaml.Store}/never-written");
        Assert.Equal(HttpStatusCode.NoContent, absent.StatusCode);
    }

    [Fact]
    public async Task A_state_store_made_unreachable_fails_as_daprd_does_and_answers_again_with_its_data()
    {
        using var saved = await Http.PostAsync($"/v1.0/state/{Yaml.Store}", Json("""[{"key":"kept","value":"v"}]"""));
        Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);
        using (var down = await Http.PutAsync($"/v1.0-dev/state/{Yaml.Store}/outage", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, down.StatusCode);
        }

        const string Refused = "dial tcp localhost:6379: connect: connection refused";
        using var get = await Http.GetAsync($"/v1.0/state/{Yaml.Store}/kept");
        Assert.Equal($"fail to get kept from state store {Yaml.Store}: {Refused}", (string?)(await ErrorAsync(get, HttpStatusCode.InternalServerError, "ERR_STATE_GET"))["message"]);

        // A bulk get succeeds and names the failure per key, with no data: a client that ignores "error" sees misses.
        using var bulk = await Http.PostAsync($"/v1.0/state/{Yaml.Store}/bulk", Json("""{"keys":["kept","other"]}"""));
        Assert.Equal(HttpStatusCode.OK, bulk.StatusCode);
        var items = JsonNode.Parse(await bulk.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal(["kept", "other"], items.Select(i => (string?)i!["key"]));
        Assert.All(items, i => Assert.Equal(Refused, (string?)i!["error"]));
        Assert.All(items, i => Assert.Null(i!["data"]));

        using var save = await Http.PostAsync($"/v1.0/state/{Yaml.Store}", Json("""[{"key":"kept","value":"w"}]"""));
        Assert.Equal($"failed saving state in state store {Yaml.Store}: {Refused}", (string?)(await ErrorAsync(save, HttpStatusCode.InternalServerError, "ERR_STATE_SAVE"))["message"]);
        using var delete = await Http.DeleteAsync($"/v1.0/state/{Yaml.Store}/kept");
        await ErrorAsync(delete, HttpStatusCode.InternalServerError, "ERR_STATE_DELETE");

        using (var unknown = await Http.PutAsync("/v1.0-dev/state/nope/outage", null))
        {
            await ErrorAsync(unknown, HttpStatusCode.BadRequest, "ERR_STATE_STORE_NOT_FOUND");
        }

        using (var up = await Http.DeleteAsync($"/v1.0-dev/state/{Yaml.Store}/outage"))
        {
            Assert.Equal(HttpStatusCode.NoContent, up.StatusCode);
        }

        // Nothing written while it was unreachable, nothing lost.
        Assert.Equal("\"v\"", await Http.GetStringAsync($"/v1.0/state/{Yaml.Store}/kept"));
    }

    [Fact]
    public async Task Secrets_of_the_declared_store_are_served()
    {
        var secret = (await Http.GetFromJsonAsync<JsonObject>($"/v1.0/secrets/env/{secretVariable}"))!;
        Assert.Equal("from-env", (string?)secret[secretVariable]);

        var bulk = (await Http.GetFromJsonAsync<JsonObject>("/v1.0/secrets/env/bulk"))!;
        Assert.Equal("from-env", (string?)bulk[secretVariable]![secretVariable]);
        Assert.DoesNotContain(bulk, kv => kv.Key.StartsWith("DAPR_", StringComparison.OrdinalIgnoreCase) || kv.Key == "APP_API_TOKEN");

        // local.env answers an unset variable with an empty value.
        var unset = (await Http.GetFromJsonAsync<JsonObject>("/v1.0/secrets/env/DS_NOT_SET_ANYWHERE"))!;
        Assert.Equal("", (string?)unset["DS_NOT_SET_ANYWHERE"]);

        using var unknown = await Http.GetAsync("/v1.0/secrets/vault/x");
        await ErrorAsync(unknown, HttpStatusCode.Unauthorized, "ERR_SECRET_STORE_NOT_FOUND");
    }

    [Fact]
    public async Task Routes_daprd_does_not_serve_fall_back_to_service_invocation()
    {
        using var unknown = await Http.GetAsync("/v1.0/not-an-api");
        var body = await ErrorAsync(unknown, HttpStatusCode.NotFound, "ERR_DIRECT_INVOKE");
        Assert.Equal("failed getting app id either from the URL path or the header dapr-app-id", (string?)body["message"]);

        // The bulk route exists only under v1.0-alpha1 in 1.16; under v1.0 "bulk" is read as a pub/sub name.
        using var v1Bulk = await Http.PostAsync($"/v1.0/publish/bulk/{Yaml.PubSub}/t", Json("[]"));
        Assert.Equal("pubsub bulk is not found", (string?)(await ErrorAsync(v1Bulk, HttpStatusCode.NotFound, "ERR_PUBSUB_NOT_FOUND"))["message"]);

        using var wrongMethod = await Http.GetAsync($"/v1.0/publish/{Yaml.PubSub}/t");
        await ErrorAsync(wrongMethod, HttpStatusCode.NotFound, "ERR_DIRECT_INVOKE");
    }
}
