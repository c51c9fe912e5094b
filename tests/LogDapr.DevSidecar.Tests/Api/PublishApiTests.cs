using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using Grpc.Net.Client;
using LogDapr.DevSidecar.Tests.Support;
using LogDapr.TestSupport;
using DaprProto = Dapr.Client.Autogen.Grpc.v1;

namespace LogDapr.DevSidecar.Tests.Api;

/// <summary>Publishing through the SDK (gRPC) and through the HTTP API, observed at a fake subscriber.</summary>
public sealed class PublishApiTests : IAsyncLifetime
{
    private readonly TempDir dir = new();
    private readonly FakeApp app = new();
    private TestSidecar sidecar = null!;

    public async Task InitializeAsync()
    {
        dir.Write("res/pubsub.yaml", Yaml.PubSubComponent(extraMetadata: "- name: maxPendingPerTopic\n  value: \"3\""));
        app.SubscribeJson = FakeApp.Subscriptions(FakeApp.Subscription("events", "/events"), FakeApp.Subscription("bulk", "/bulk"));
        await app.StartAsync();
        sidecar = await TestSidecar.StartAsync(Path.Combine(dir.Path, "res"), dir.Sub("data"), [app], o => o with { AppId = "publisher" });
        await sidecar.WaitAppReadyAsync();
    }

    public async Task DisposeAsync()
    {
        await sidecar.DisposeAsync();
        await app.DisposeAsync();
        dir.Dispose();
    }

    private sealed record Order(string Id, int Amount);

    private async Task<JsonObject> ReceivedAsync(string path, Func<JsonObject, bool> match)
    {
        JsonObject? found = null;
        await Eventually.TrueAsync(
            () =>
            {
                found = app.To(path).Select(r => r.Json.AsObject()).FirstOrDefault(match);
                return found is not null;
            },
            $"delivery to {path}");
        return found!;
    }

    [Fact]
    public async Task Sdk_publish_arrives_as_a_cloud_event()
    {
        await sidecar.Client.PublishEventAsync(Yaml.PubSub, "events", new Order("o-1", 5));

        var ce = await ReceivedAsync("/events", j => j["data"] is JsonObject d && (string?)d["id"] == "o-1");
        Assert.Equal(5, (int)ce["data"]!["amount"]!);
        Assert.Equal("com.dapr.event.sent", (string?)ce["type"]);
        Assert.Equal("publisher", (string?)ce["source"]);
        Assert.Equal("application/json", (string?)ce["datacontenttype"]);
        Assert.Equal("events", (string?)ce["topic"]);
        Assert.Equal(Yaml.PubSub, (string?)ce["pubsubname"]);
        Assert.Equal("application/cloudevents+json", app.To("/events").First().ContentType);
    }

    [Fact]
    public async Task Sdk_bulk_publish_delivers_every_entry()
    {
        var response = await sidecar.Client.BulkPublishEventAsync(Yaml.PubSub, "bulk", [new Order("b-1", 1), new Order("b-2", 2)]);
        Assert.Empty(response.FailedEntries);
        await ReceivedAsync("/bulk", j => j["data"] is JsonObject d && (string?)d["id"] == "b-1");
        await ReceivedAsync("/bulk", j => j["data"] is JsonObject d && (string?)d["id"] == "b-2");
    }

    [Fact]
    public async Task Publish_to_an_unknown_pubsub_is_invalid_argument_naming_it()
    {
        var ex = await Assert.ThrowsAsync<DaprException>(() => sidecar.Client.PublishEventAsync("nope", "events", new Order("x", 1)));
        var rpc = Assert.IsType<RpcException>(ex.InnerException);
        Assert.Equal(StatusCode.InvalidArgument, rpc.StatusCode);
        Assert.Equal("pubsub nope is not found", rpc.Status.Detail);

        // daprd's rich error details (dapr/kit): google.rpc.ErrorInfo in grpc-status-details-bin.
        var details = Google.Rpc.Status.Parser.ParseFrom(rpc.Trailers.GetValueBytes("grpc-status-details-bin"));
        var info = Assert.Single(details.Details, d => d.Is(Google.Rpc.ErrorInfo.Descriptor)).Unpack<Google.Rpc.ErrorInfo>();
        Assert.Equal("DAPR_PUBSUB_NOT_FOUND", info.Reason);
        Assert.Equal("dapr.io", info.Domain);
    }

    [Fact]
    public async Task Publish_is_refused_with_resource_exhausted_when_the_topic_is_full()
    {
        // Nobody subscribes to "nobody", so its messages stay pending; the component allows 3.
        for (var i = 0; i < 3; i++)
        {
            await sidecar.Client.PublishEventAsync(Yaml.PubSub, "nobody", new Order($"n-{i}", i));
        }

        var ex = await Assert.ThrowsAsync<DaprException>(() => sidecar.Client.PublishEventAsync(Yaml.PubSub, "nobody", new Order("n-3", 3)));
        Assert.Equal(StatusCode.ResourceExhausted, Assert.IsType<RpcException>(ex.InnerException).StatusCode);
        Assert.Equal(3, await sidecar.CounterAsync("nobody", "pending"));

        using var http = await sidecar.Http.PostAsync($"/v1.0/publish/{Yaml.PubSub}/nobody", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.InternalServerError, http.StatusCode);
    }

    [Fact]
    public async Task Http_publish_wraps_json_and_applies_query_metadata()
    {
        using var response = await sidecar.Http.PostAsync(
            $"/v1.0/publish/{Yaml.PubSub}/events?metadata.cloudevent.id=http-1&metadata.cloudevent.type=custom.type",
            new StringContent("""{"id":"h-1","amount":7}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        var ce = await ReceivedAsync("/events", j => (string?)j["id"] == "http-1");
        Assert.Equal("custom.type", (string?)ce["type"]);
        Assert.Equal(7, (int)ce["data"]!["amount"]!);
        Assert.Equal("publisher", (string?)ce["source"]);
        Assert.Equal("1.0", (string?)ce["specversion"]);
        Assert.NotNull(ce["time"]);
    }

    [Fact]
    public async Task Http_publish_passes_cloud_events_through()
    {
        var content = new StringContent("""{"id":"ce-1","source":"elsewhere","type":"their.type","specversion":"1.0","data":{"v":1}}""");
        content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
        using var response = await sidecar.Http.PostAsync($"/v1.0/publish/{Yaml.PubSub}/events", content);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        var ce = await ReceivedAsync("/events", j => (string?)j["id"] == "ce-1");
        Assert.Equal("elsewhere", (string?)ce["source"]);
        Assert.Equal("their.type", (string?)ce["type"]);
        Assert.Equal("events", (string?)ce["topic"]);
        Assert.Equal(Yaml.PubSub, (string?)ce["pubsubname"]);
        Assert.NotNull(ce["time"]);
    }

    [Fact]
    public async Task Http_publish_text_and_unknown_pubsub()
    {
        using var text = await sidecar.Http.PostAsync($"/v1.0/publish/{Yaml.PubSub}/events", new StringContent("plain words", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.NoContent, text.StatusCode);
        await ReceivedAsync("/events", j => j["data"] is JsonValue v && v.ToString() == "plain words");

        using var missing = await sidecar.Http.PostAsync("/v1.0/publish/nope/events", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var error = JsonNode.Parse(await missing.Content.ReadAsStringAsync())!;
        Assert.Equal("ERR_PUBSUB_NOT_FOUND", (string?)error["errorCode"]);
    }

    [Fact]
    public async Task Http_bulk_publish_form()
    {
        var body = """[{"entryId":"1","event":{"id":"hb-1"},"contentType":"application/json"},{"entryId":"2","event":"hb-text","contentType":"text/plain"}]""";
        using var response = await sidecar.Http.PostAsync($"/v1.0-alpha1/publish/bulk/{Yaml.PubSub}/bulk", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await ReceivedAsync("/bulk", j => j["data"] is JsonObject d && (string?)d["id"] == "hb-1");
        await ReceivedAsync("/bulk", j => j["data"] is JsonValue v && v.ToString() == "hb-text");
    }

    [Fact]
    public async Task Health_metadata_and_unimplemented_apis()
    {
        Assert.True(await sidecar.Client.CheckHealthAsync());
        await sidecar.Client.WaitForSidecarAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);

        var metadata = await sidecar.Client.GetMetadataAsync();
        Assert.Equal("publisher", metadata.Id);
        Assert.Contains(metadata.Components, c => c.Name == Yaml.PubSub && c.Type == "pubsub.redis");

        using var channel = GrpcChannel.ForAddress(sidecar.Host.GrpcEndpoint);
        var raw = new DaprProto.Dapr.DaprClient(channel);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await raw.TryLockAlpha1Async(new DaprProto.TryLockRequest { StoreName = "x" }));
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }
}
